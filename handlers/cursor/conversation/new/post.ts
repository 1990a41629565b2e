import { newConversation } from "../../../api/new/post";

/** POST /cursor/conversation/new — §2.4.7: like POST /api/new, but queueType defaults to "default". */
export default newConversation("/cursor/conversation/new", "default", { noCacheHeaders: false });
