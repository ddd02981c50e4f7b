/** The log-in page's demo sign-ins (demo mode only). */
export const firstRunKo = {
  demoSignInsTitle: '체험용 계정 (데모 모드)',
  demoSignInsIntro: '데모 서버에만 있는 계정입니다. 누르면 입력됩니다.',
  useDemoSignIn: '{{who}} 계정으로 입력',
};
