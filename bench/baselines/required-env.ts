/** An environment variable a baseline cannot run without. (No imports: the workers load nothing extra.) */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
