/** Replaces `{{name}}` placeholders; unknown names are left for the caller to report. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string | undefined>>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(/\{\{\s*([a-zA-Z_][\w]*)\s*\}\}/g, (m, name: string) => {
    const v = vars[name];
    if (v === undefined) {
      missing.push(name);
      return m;
    }
    return v;
  });
  return { text, missing };
}
