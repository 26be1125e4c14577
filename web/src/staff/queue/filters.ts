// The queue's filters, kept in the URL so that a reload, a bookmark or a shared link shows
// the same queue; and whether a request a stream brings belongs in the filtered queue.
import type { Priority, StaffRequest, Status } from "../state";

export const OPEN: Status[] = ["NEW", "ACKNOWLEDGED", "CONFIRMED", "IN_PROGRESS"];
export const STATUSES: Status[] = [...OPEN, "COMPLETED", "DECLINED", "CANCELLED", "EXPIRED"];
export const PRIORITIES: Priority[] = ["LOW", "NORMAL", "HIGH", "URGENT"];

export interface Filters {
  /** One status, or every open one when none is chosen. */
  status: Status | "";
  department: string;
  priority: Priority | "";
  overdue: boolean;
  afterHours: "" | "true" | "false";
  q: string;
}

export function filtersOf(query: Record<string, string>): Filters {
  const status = STATUSES.find((s) => s === query.status) ?? "";
  const priority = PRIORITIES.find((p) => p === query.priority) ?? "";
  const afterHours = query.after_hours === "true" || query.after_hours === "false" ? query.after_hours : "";
  return {
    status,
    department: query.department ?? "",
    priority,
    overdue: query.overdue === "true",
    afterHours,
    q: query.q ?? "",
  };
}

/** The filters as the page's query string (only those set). */
export function queryOf(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set("status", filters.status);
  if (filters.department) params.set("department", filters.department);
  if (filters.priority) params.set("priority", filters.priority);
  if (filters.overdue) params.set("overdue", "true");
  if (filters.afterHours) params.set("after_hours", filters.afterHours);
  if (filters.q.trim()) params.set("q", filters.q.trim());
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The filters as the list route's query. */
export function apiQueryOf(filters: Filters, cursor: string | null, limit: number): string {
  const params = new URLSearchParams();
  params.set("status", filters.status || OPEN.join(","));
  if (filters.department) params.set("department", filters.department);
  if (filters.priority) params.set("priority", filters.priority);
  if (filters.overdue) params.set("overdue", "true");
  if (filters.afterHours) params.set("after_hours", filters.afterHours);
  if (filters.q.trim()) params.set("q", filters.q.trim());
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

/** The export page's query: what the queue shows, every page of it. */
export function exportQueryOf(filters: Filters): string {
  const params = new URLSearchParams(apiQueryOf(filters, null, 0));
  params.delete("limit");
  return params.toString();
}

/** Whether `request` belongs in the queue these filters show. */
export function matches(request: StaffRequest, filters: Filters): boolean {
  const statuses = filters.status ? [filters.status] : OPEN;
  const text = filters.q.trim().toLowerCase();
  return (
    statuses.includes(request.status) &&
    (!filters.department || request.department === filters.department) &&
    (!filters.priority || request.priority === filters.priority) &&
    (!filters.overdue || request.overdue) &&
    (!filters.afterHours || String(request.after_hours) === filters.afterHours) &&
    (!text ||
      [request.details, request.experience_name ?? "", request.location, request.guest_name].some((field) =>
        field.toLowerCase().includes(text),
      ))
  );
}
