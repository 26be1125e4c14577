// The status moves staff may make, as the request's life allows them (shared/src/requests/
// state.rs, `allowed` for `Actor::Staff`): the page offers only these. Acknowledging has its
// own button; declining needs a reason.
import type { StaffRequest } from "../state";

export type Move = "IN_PROGRESS" | "COMPLETED" | "CONFIRMED" | "DECLINED";

export function movesOf(request: Pick<StaffRequest, "status" | "needs_confirmation">): Move[] {
  const confirm = request.needs_confirmation;
  switch (request.status) {
    case "NEW":
      return confirm ? ["CONFIRMED", "DECLINED"] : [];
    case "ACKNOWLEDGED":
      return confirm ? ["CONFIRMED", "DECLINED"] : ["IN_PROGRESS"];
    case "CONFIRMED":
      return ["IN_PROGRESS"];
    case "IN_PROGRESS":
      return ["COMPLETED"];
    default:
      return [];
  }
}

export function needsReason(status: Move): boolean {
  return status === "DECLINED";
}
