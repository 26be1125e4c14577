import { describe, expect, it } from "vitest";
import { createI18n, interpolate, pickLanguage } from "./i18n";

const catalogues = {
  en: { hello: "Hello, {name}", bye: "Bye" },
  es: { hello: "Hola, {name}", bye: "Adiós" },
  fr: { hello: "Bonjour, {name}", bye: "Au revoir" },
  de: { hello: "Hallo, {name}", bye: "Tschüss" },
};

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    items,
  };
}

describe("i18n", () => {
  it("picks the first supported browser language, else English", () => {
    expect(pickLanguage(["pt-BR", "fr-CA", "de"])).toBe("fr");
    expect(pickLanguage(["ES"])).toBe("es");
    expect(pickLanguage(["ja", "zh"])).toBe("en");
    expect(pickLanguage([])).toBe("en");
  });

  it("fills parameters and leaves unknown ones visible", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
  });

  it("keeps the person's choice over the browser's", () => {
    const storage = memory();
    const first = createI18n(catalogues, { storage, preferred: ["de-AT"] });
    expect(first.t("hello", { name: "Ana" })).toBe("Hallo, Ana");
    first.choose("es");
    expect(first.t("bye")).toBe("Adiós");
    const again = createI18n(catalogues, { storage, preferred: ["de-AT"] });
    expect(again.language.value).toBe("es");
    const junk = createI18n(catalogues, {
      storage: memory({ "concierge.language": "xx" }),
      preferred: ["fr"],
    });
    expect(junk.language.value).toBe("fr");
  });
});
