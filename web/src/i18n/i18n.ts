import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { setCredentials } from '../api/client.js';
import type { Language } from './format.js';
import { en } from './messages.en.js';
import { ko, type Messages } from './messages.ko.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Messages };
  }
}

const LANGUAGE_STORAGE_KEY = 'hanbat.language';

function storedLanguage(): Language {
  return globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY) === 'en' ? 'en' : 'ko';
}

/** The page, the API's Accept-Language and the stored choice follow the language together. */
function applyLanguage(language: Language): void {
  document.documentElement.lang = language;
  document.title = i18next.t('app.documentTitle');
  setCredentials({ language });
  localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
}

export async function initI18n(): Promise<void> {
  i18next.on('languageChanged', (language) => applyLanguage(language === 'en' ? 'en' : 'ko'));
  await i18next.use(initReactI18next).init({
    resources: { ko: { translation: ko }, en: { translation: en } },
    lng: storedLanguage(),
    fallbackLng: 'ko',
    // React escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

/** The translation function and the current language, narrowed to the two Hanbat speaks. */
export function useLanguage() {
  const { t, i18n } = useTranslation();
  const language: Language = i18n.language === 'en' ? 'en' : 'ko';
  const setLanguage = (next: Language) => i18n.changeLanguage(next);
  return { t, language, setLanguage };
}

/** Reference data carries both names; people read the one in their language. */
export function localName(item: { nameKo: string; nameEn: string }, language: Language): string {
  return language === 'en' ? item.nameEn : item.nameKo;
}
