import { conversationsPage } from "./conversations";
import { desktopPage } from "./desktop";
import type { PageModule } from "./page";
import { repositoriesPage } from "./repositories";
import { runsPage } from "./runs";
import { settingsPage } from "./settings";
import { tasksPage } from "./tasks";

export type { PageModule, RouteProps } from "./page";

/** The navigation, in order; `/` opens the first page. Only pages that work are listed. */
export const pages: PageModule[] = [tasksPage, runsPage, conversationsPage, desktopPage, repositoriesPage, settingsPage];
