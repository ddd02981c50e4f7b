import type { ReactNode } from 'react';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { CheckboxField, SelectField, TextField } from '../ui/Field.js';
import {
  CONDITIONS,
  type DraftErrors,
  type ExtraDraft,
  type PolicyDraft,
  type PromotionDraft,
  type TierDraft,
} from './policy-draft.js';

interface EditorProps {
  draft: PolicyDraft;
  onDraft: (draft: PolicyDraft) => void;
  /** Shown once the operator tried to save. */
  errors: DraftErrors;
}

function useProblemText(errors: DraftErrors) {
  const { t } = useLanguage();
  return (path: string): string | null => {
    const problem = errors[path];
    return problem ? t(`validation.${problem}`) : null;
  };
}

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset className="editor-section">
      <legend>{title}</legend>
      {hint && <p className="field-hint">{hint}</p>}
      {children}
    </fieldset>
  );
}

/** Replaces item `index` of a list with a changed copy. */
function changeAt<Item>(items: Item[], index: number, change: Partial<Item>): Item[] {
  return items.map((item, position) => (position === index ? { ...item, ...change } : item));
}

function TierRows({ draft, onDraft, errors }: EditorProps) {
  const { t } = useLanguage();
  const problem = useProblemText(errors);
  const setTier = (index: number, change: Partial<TierDraft>) =>
    onDraft({ ...draft, tiers: changeAt(draft.tiers, index, change) });
  return (
    <Section title={t('operator.policy.tiers')} hint={t('operator.policy.tiersHint')}>
      {draft.tiers.map((tier, index) => (
        // Rows have no identity of their own: their position is what the policy means.
        // biome-ignore lint/suspicious/noArrayIndexKey: tiers are ordered bands, edited in place
        <div className="editor-row" key={index}>
          <TextField
            label={t('operator.policy.upToWon')}
            value={tier.upTo}
            onValue={(upTo) => setTier(index, { upTo })}
            inputMode="numeric"
            error={problem(`tiers.${index}.upTo`)}
          />
          <TextField
            label={t('operator.policy.rate')}
            value={tier.rate}
            onValue={(rate) => setTier(index, { rate })}
            inputMode="decimal"
            error={problem(`tiers.${index}.rate`)}
          />
          <Button
            variant="ghost"
            aria-label={t('operator.policy.removeTier', { index: index + 1 })}
            disabled={draft.tiers.length === 1}
            onClick={() =>
              onDraft({ ...draft, tiers: draft.tiers.filter((_, position) => position !== index) })
            }
          >
            ✕
          </Button>
        </div>
      ))}
      <Button
        variant="secondary"
        onClick={() => onDraft({ ...draft, tiers: [...draft.tiers, { upTo: '', rate: '' }] })}
      >
        {t('operator.policy.addTier')}
      </Button>
    </Section>
  );
}

function LabelFields({
  path,
  item,
  onChange,
  errors,
}: {
  path: string;
  item: { code: string; nameKo: string; nameEn: string };
  onChange: (change: Partial<{ code: string; nameKo: string; nameEn: string }>) => void;
  errors: DraftErrors;
}) {
  const { t } = useLanguage();
  const problem = useProblemText(errors);
  return (
    <>
      <TextField
        label={t('operator.policy.code')}
        value={item.code}
        onValue={(code) => onChange({ code })}
        error={problem(`${path}.code`)}
      />
      <TextField
        label={t('operator.policy.nameKo')}
        value={item.nameKo}
        onValue={(nameKo) => onChange({ nameKo })}
        lang="ko"
        error={problem(`${path}.nameKo`)}
      />
      <TextField
        label={t('operator.policy.nameEn')}
        value={item.nameEn}
        onValue={(nameEn) => onChange({ nameEn })}
        lang="en"
        error={problem(`${path}.nameEn`)}
      />
    </>
  );
}

function ExtraRows({ draft, onDraft, errors }: EditorProps) {
  const { t, language } = useLanguage();
  const problem = useProblemText(errors);
  const setExtra = (index: number, change: Partial<ExtraDraft>) =>
    onDraft({ ...draft, extras: changeAt(draft.extras, index, change) });
  const blank: ExtraDraft = { code: '', nameKo: '', nameEn: '', condition: 'traditionalMarket', rate: '' };
  return (
    <Section title={t('operator.policy.extras')} hint={t('operator.policy.extrasHint')}>
      {draft.extras.map((extra, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a new row has no code yet to key it by
        <div className="editor-row editor-row-wide" key={index}>
          <LabelFields
            path={`extras.${index}`}
            item={extra}
            onChange={(change) => setExtra(index, change)}
            errors={errors}
          />
          <SelectField
            label={t('operator.policy.condition')}
            value={extra.condition}
            onValue={(condition) => setExtra(index, { condition: condition as ExtraDraft['condition'] })}
            options={CONDITIONS.map((condition) => ({
              value: condition,
              label: t(`operator.policy.conditions.${condition}`),
            }))}
          />
          <TextField
            label={t('operator.policy.rate')}
            value={extra.rate}
            onValue={(rate) => setExtra(index, { rate })}
            inputMode="decimal"
            error={problem(`extras.${index}.rate`)}
          />
          <Button
            variant="ghost"
            aria-label={t('operator.policy.removeExtra', {
              name: language === 'en' ? extra.nameEn : extra.nameKo,
            })}
            onClick={() =>
              onDraft({ ...draft, extras: draft.extras.filter((_, position) => position !== index) })
            }
          >
            ✕
          </Button>
        </div>
      ))}
      <Button variant="secondary" onClick={() => onDraft({ ...draft, extras: [...draft.extras, blank] })}>
        {t('operator.policy.addExtra')}
      </Button>
    </Section>
  );
}

function PromotionRows({ draft, onDraft, errors }: EditorProps) {
  const { t, language } = useLanguage();
  const problem = useProblemText(errors);
  const setPromotion = (index: number, change: Partial<PromotionDraft>) =>
    onDraft({ ...draft, promotions: changeAt(draft.promotions, index, change) });
  const blank: PromotionDraft = {
    code: '',
    nameKo: '',
    nameEn: '',
    firstDay: draft.fromDay,
    lastDay: '',
    rate: '',
  };
  return (
    <Section title={t('operator.policy.promotions')} hint={t('operator.policy.promotionsHint')}>
      {draft.promotions.map((promotion, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a new row has no code yet to key it by
        <div className="editor-row editor-row-wide" key={index}>
          <LabelFields
            path={`promotions.${index}`}
            item={promotion}
            onChange={(change) => setPromotion(index, change)}
            errors={errors}
          />
          <TextField
            label={t('operator.policy.from')}
            type="date"
            value={promotion.firstDay}
            onValue={(firstDay) => setPromotion(index, { firstDay })}
            error={problem(`promotions.${index}.firstDay`)}
          />
          <TextField
            label={t('operator.policy.toInclusive')}
            type="date"
            value={promotion.lastDay}
            onValue={(lastDay) => setPromotion(index, { lastDay })}
            error={problem(`promotions.${index}.lastDay`)}
          />
          <TextField
            label={t('operator.policy.rate')}
            value={promotion.rate}
            onValue={(rate) => setPromotion(index, { rate })}
            inputMode="decimal"
            error={problem(`promotions.${index}.rate`)}
          />
          <Button
            variant="ghost"
            aria-label={t('operator.policy.removePromotion', {
              name: language === 'en' ? promotion.nameEn : promotion.nameKo,
            })}
            onClick={() =>
              onDraft({ ...draft, promotions: draft.promotions.filter((_, position) => position !== index) })
            }
          >
            ✕
          </Button>
        </div>
      ))}
      <Button
        variant="secondary"
        onClick={() => onDraft({ ...draft, promotions: [...draft.promotions, blank] })}
      >
        {t('operator.policy.addPromotion')}
      </Button>
    </Section>
  );
}

function PeriodFields({ draft, onDraft, errors }: EditorProps) {
  const { t } = useLanguage();
  const problem = useProblemText(errors);
  return (
    <Section title={t('operator.policy.periodSection')}>
      <TextField
        label={t('operator.policy.name')}
        value={draft.name}
        onValue={(name) => onDraft({ ...draft, name })}
        maxLength={100}
        error={problem('name')}
      />
      <div className="editor-row">
        <TextField
          label={t('operator.policy.effectiveFrom')}
          type="date"
          value={draft.fromDay}
          onValue={(fromDay) => onDraft({ ...draft, fromDay })}
          error={problem('fromDay')}
        />
        <TextField
          label={t('operator.policy.effectiveFromTime')}
          type="time"
          value={draft.fromTime}
          onValue={(fromTime) => onDraft({ ...draft, fromTime })}
        />
        <TextField
          label={t('operator.policy.effectiveTo')}
          optional
          type="date"
          value={draft.lastDay}
          onValue={(lastDay) => onDraft({ ...draft, lastDay })}
          error={problem('lastDay')}
        />
      </div>
    </Section>
  );
}

function RevenueCapFields({ draft, onDraft, errors }: EditorProps) {
  const { t } = useLanguage();
  const problem = useProblemText(errors);
  return (
    <Section title={t('operator.policy.revenueCap')} hint={t('operator.policy.revenueCapHint')}>
      <CheckboxField
        label={t('operator.policy.noRevenueCap')}
        checked={!draft.hasRevenueCap}
        onChecked={(noCap) => onDraft({ ...draft, hasRevenueCap: !noCap })}
      />
      {draft.hasRevenueCap && (
        <TextField
          label={t('operator.policy.revenueCap')}
          value={draft.revenueCap}
          onValue={(revenueCap) => onDraft({ ...draft, revenueCap })}
          inputMode="numeric"
          error={problem('revenueCap')}
        />
      )}
    </Section>
  );
}

/** Every part of a cashback policy version, editable; the page owns the draft and saves it. */
export function PolicyEditor(props: EditorProps) {
  return (
    <>
      <PeriodFields {...props} />
      <TierRows {...props} />
      <ExtraRows {...props} />
      <PromotionRows {...props} />
      <RevenueCapFields {...props} />
    </>
  );
}
