/**
 * Banks by their three-digit code (금융결제원 은행코드), in the order Korean apps list them: the
 * settlement account is chosen from this list, and an account is shown by its bank's name.
 */
export const BANKS = [
  { code: '004', nameKo: 'KB국민은행', nameEn: 'KB Kookmin Bank' },
  { code: '088', nameKo: '신한은행', nameEn: 'Shinhan Bank' },
  { code: '020', nameKo: '우리은행', nameEn: 'Woori Bank' },
  { code: '081', nameKo: '하나은행', nameEn: 'Hana Bank' },
  { code: '011', nameKo: 'NH농협은행', nameEn: 'NongHyup Bank' },
  { code: '003', nameKo: 'IBK기업은행', nameEn: 'IBK Industrial Bank' },
  { code: '090', nameKo: '카카오뱅크', nameEn: 'KakaoBank' },
  { code: '092', nameKo: '토스뱅크', nameEn: 'Toss Bank' },
  { code: '089', nameKo: '케이뱅크', nameEn: 'K Bank' },
  { code: '071', nameKo: '우체국', nameEn: 'Korea Post' },
  { code: '045', nameKo: '새마을금고', nameEn: 'MG Community Credit' },
  { code: '048', nameKo: '신협', nameEn: 'Shinhyup' },
  { code: '002', nameKo: 'KDB산업은행', nameEn: 'KDB Bank' },
  { code: '007', nameKo: '수협은행', nameEn: 'Suhyup Bank' },
  { code: '023', nameKo: 'SC제일은행', nameEn: 'SC First Bank' },
  { code: '027', nameKo: '한국씨티은행', nameEn: 'Citibank Korea' },
  { code: '031', nameKo: 'iM뱅크(대구)', nameEn: 'iM Bank (Daegu)' },
  { code: '032', nameKo: '부산은행', nameEn: 'Busan Bank' },
  { code: '034', nameKo: '광주은행', nameEn: 'Kwangju Bank' },
  { code: '035', nameKo: '제주은행', nameEn: 'Jeju Bank' },
  { code: '037', nameKo: '전북은행', nameEn: 'Jeonbuk Bank' },
  { code: '039', nameKo: '경남은행', nameEn: 'Kyongnam Bank' },
] as const;

/** A bank's name in the reader's language; the sandbox and unknown codes get a plain label. */
export function bankName(code: string, language: 'ko' | 'en', sandboxLabel: string): string {
  if (code === 'SANDBOX') return sandboxLabel;
  const bank = BANKS.find((item) => item.code === code);
  return bank ? (language === 'en' ? bank.nameEn : bank.nameKo) : code;
}
