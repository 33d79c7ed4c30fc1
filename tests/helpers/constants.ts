export const TEMPLATE = "parvis_template";
export const LOGIN = { user: "parvis_test_app", password: "parvis-test-login-password" };

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
