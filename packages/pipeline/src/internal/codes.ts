import { ErrorCodes } from "@pipe/result";

/** Code of the error returned when compensation actions failed (distinct from the step's own failure). */
export const COMPENSATION_CODE = "error.compensation";

ErrorCodes.register({
  code: COMPENSATION_CODE,
  name: "Compensation",
  description:
    "One or more compensation actions failed (threw, rejected or returned a failed Result) or were canceled before running; the children say which.",
  category: "Pipeline",
});
