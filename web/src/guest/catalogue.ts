// The hotel's departments and experiences (public, cached by the browser for 60 s).
import { signal } from "@preact/signals";
import { api, type Reply, type Schemas } from "../lib/api/client";

export type Department = Schemas["PublicDepartment"];
export type Experience = Schemas["PublicExperience"];

export interface Catalogue {
  hotel: string;
  departments: Department[];
  experiences: Experience[];
}

export const catalogue = signal<Catalogue | null>(null);

export async function loadCatalogue(hotel: string): Promise<Catalogue> {
  if (catalogue.value?.hotel === hotel) return catalogue.value;
  const slug = encodeURIComponent(hotel);
  const [departments, experiences] = await Promise.all([
    api.get<Reply<"/api/v1/hotels/{hotel}/departments", "get">>(`/hotels/${slug}/departments`),
    api.get<Reply<"/api/v1/hotels/{hotel}/experiences", "get">>(`/hotels/${slug}/experiences?limit=100`),
  ]);
  const loaded = { hotel, departments: departments.items, experiences: experiences.items };
  catalogue.value = loaded;
  return loaded;
}

/** The department's name, or its slug while the catalogue is not there. */
export function departmentName(slug: string): string {
  return catalogue.value?.departments.find((d) => d.slug === slug)?.name ?? slug;
}
