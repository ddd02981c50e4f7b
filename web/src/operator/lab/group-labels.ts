import { localName, useLanguage } from '../../i18n/i18n.js';
import { useReference } from '../../reference/use-reference.js';

/** The charts whose rows are keyed by a code the operator should read as a name. */
export type GroupedChart = 'byArea' | 'byDistrict' | 'byIndustry' | 'byMarket' | 'byAgeBand' | 'byHour';

/**
 * Turns a dashboard row's key (a district or industry code, a market id, `old_town`, `30s`, `12`) into
 * what an official reads: the reference data's name in the page's language, or a labelled band.
 */
export function useGroupLabel(): (chart: GroupedChart | 'membersVsPopulation', key: string) => string {
  const { t, language } = useLanguage();
  const reference = useReference().data;
  const named = (item: { nameKo: string; nameEn: string } | undefined) =>
    item ? localName(item, language) : undefined;
  return (chart, key) => {
    if (key === 'unknown') return t('lab.groups.unknown');
    switch (chart) {
      case 'byDistrict':
      case 'membersVsPopulation':
        return named(reference?.districts.find((item) => item.code === key)) ?? key;
      case 'byIndustry':
        return named(reference?.industries.find((item) => item.code === key)) ?? key;
      case 'byMarket':
        return named(reference?.markets.find((item) => item.id === key)) ?? key;
      case 'byArea':
        return key === 'old_town' || key === 'new_town' ? t(`lab.groups.${key}`) : key;
      case 'byAgeBand':
        // The server folds everyone from 70 up into the 70s band.
        if (!/^\d+s$/.test(key)) return key;
        return t(key === '70s' ? 'lab.groups.ageBandTop' : 'lab.groups.ageBand', {
          decade: Number.parseInt(key, 10),
        });
      case 'byHour':
        return /^\d+$/.test(key) ? t('lab.groups.hour', { hour: Number(key) }) : key;
    }
  };
}
