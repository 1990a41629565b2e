import { taskAction } from "../../action";

/** POST /tasks/:id/takeover — the user takes control; the assistant's work stops (§1.2). */
export default taskAction({
  action: "takeover",
  summary: "Take over a task",
  description: "control → USER; the assistant's run is stopped (its process group ended). Status is unchanged.",
  refusals: { 400: "Task <id> is not under agent control (or already finished)" },
  run: (service, id) => service.takeover(id),
});
