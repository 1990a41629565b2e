import { taskAction } from "../../action";

/** POST /tasks/:id/process — this instance starts the task now, ahead of the queue and of its schedule. */
export default taskAction({
  action: "process",
  summary: "Process a task now",
  description:
    "Claims the task on the instance that answers and starts it (it still waits for a free execution slot). Works while the task_operator setting is off.",
  refusals: { 409: "Task <id> cannot be processed now (finished, under user control, or already being processed)" },
  status: 202,
  run: (service, id) => service.process(id),
});
