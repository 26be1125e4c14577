import { createI18n } from "../../lib/i18n";
import { de } from "./de";
import { en, type Key } from "./en";
import { es } from "./es";
import { fr } from "./fr";

export type { Key };

export const i18n = createI18n<Key>(
  { en, es, fr, de },
  {
    storage: typeof localStorage === "undefined" ? null : localStorage,
    preferred: typeof navigator === "undefined" ? [] : navigator.languages,
  },
);

export const t = i18n.t;
