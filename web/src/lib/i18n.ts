// Strings only through a catalogue: one per language, each with exactly the keys of the
// English one (the compiler checks). The language comes from the person's choice (kept), else
// the browser's languages, else English.
import { computed, signal } from "@preact/signals";

export const LANGUAGES = ["en", "es", "fr", "de"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name, for the picker. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  es: "Español",
  fr: "Français",
  de: "Deutsch",
};

export type Params = Record<string, string | number>;

/** Replaces each `{name}` with its parameter. */
export function interpolate(text: string, params: Params = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The supported language that best fits the browser's list, or English. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split("-")[0];
    const found = LANGUAGES.find((language) => language === primary);
    if (found) return found;
  }
  return "en";
}

export interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function createI18n<Key extends string>(
  catalogues: Record<Language, Record<Key, string>>,
  options: { storage: Storage | null; preferred: readonly string[]; storageKey?: string },
) {
  const storageKey = options.storageKey ?? "concierge.language";
  const saved = options.storage?.getItem(storageKey) ?? null;
  const initial = LANGUAGES.find((l) => l === saved) ?? pickLanguage(options.preferred);
  const language = signal<Language>(initial);
  const catalogue = computed(() => catalogues[language.value]);

  return {
    language,
    t: (key: Key, params?: Params): string => interpolate(catalogue.value[key], params),
    choose(next: Language) {
      language.value = next;
      options.storage?.setItem(storageKey, next);
    },
  };
}
