import { taskAction } from "../../action";

/** POST /tasks/:id/resume — control back to the assistant, which continues the same session (§1.2). */
export default taskAction({
  action: "resume",
  summary: "Resume a task",
  description:
    "control → ASSISTANT, status → RUNNING. Messages the user posted meanwhile are given to the assistant, which continues its session.",
  refusals: { 400: "Task <id> is not under user control (or already finished)" },
  run: (service, id) => service.resume(id),
});
