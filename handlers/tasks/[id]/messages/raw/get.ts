import { listMessages } from "../get";

/** GET /tasks/:id/messages/raw — the same as /messages (§2.1 #8). */
export default listMessages("/tasks/{id}/messages/raw");
