import { api } from "../api";
import { FileTree } from "../components/file-tree";
import { Empty, ErrorNotice, Loading, PageHeader } from "../components/notice";
import { useResource, useTitle } from "../hooks";
import { href } from "../router";
import type { GitStatus, RepositorySummary } from "../types";
import type { PageModule, RouteProps } from "./page";

function Cleanliness({ dirty }: { dirty: boolean }) {
  return dirty ? <span class="badge badge-dirty">Uncommitted changes</span> : <span class="badge badge-clean">Clean</span>;
}

function Commit({ repo }: { repo: RepositorySummary }) {
  return (
    <span class="muted">
      {repo.branch ? (
        <>
          on <strong class="mono">{repo.branch}</strong>
        </>
      ) : (
        "no branch"
      )}
      {repo.commit ? (
        <>
          {" "}
          at <span class="mono">{repo.commit.slice(0, 10)}</span>
        </>
      ) : (
        " · no commits"
      )}
    </span>
  );
}

function RepositoryList() {
  useTitle("Repositories");
  const list = useResource((signal) => api.repositories(signal), []);
  const repositories = list.data?.repositories ?? [];
  return (
    <>
      <PageHeader title="Repositories" meta={list.data ? `${repositories.length} in REPOSITORIES_PATH` : undefined} />
      <ErrorNotice error={list.error} title="Could not list repositories:" />
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && repositories.length === 0 ? (
        <Empty>No git repositories in the repositories folder yet. Clone one with POST /git/clone.</Empty>
      ) : null}
      {repositories.length > 0 ? (
        <ul class="card list">
          {repositories.map((repo) => (
            <li key={repo.name} class="list-item">
              <a class="list-link" href={href(`/repositories/${repo.name}`)}>
                <span class="list-title">{repo.name}</span>
                <span class="list-meta small">
                  <Cleanliness dirty={repo.dirty} /> <Commit repo={repo} />
                </span>
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

const CHANGE_LABELS: Record<GitStatus["files"][number]["status"], string> = {
  untracked: "Untracked",
  added: "Added",
  modified: "Modified",
  deleted: "Deleted",
};

function RepositoryView({ params }: RouteProps) {
  const name = params.name as string;
  useTitle(name);
  const status = useResource((signal) => api.gitStatus(name, signal), [name], { refreshMs: 10_000 });
  const files = useResource((signal) => api.files(name, signal), [name]);
  return (
    <>
      <p class="breadcrumb">
        <a href={href("/repositories")}>← Repositories</a>
      </p>
      <PageHeader
        title={name}
        meta={
          status.data ? (
            <>
              <Cleanliness dirty={status.data.dirty} /> <Commit repo={status.data} />
            </>
          ) : undefined
        }
      >
        <button
          type="button"
          class="button"
          onClick={() => {
            status.reload();
            files.reload();
          }}
        >
          Refresh
        </button>
      </PageHeader>
      <div class="repo-grid">
        <section class="card" aria-labelledby="status-title">
          <h2 id="status-title">Git status</h2>
          <ErrorNotice error={status.error} />
          {!status.data && status.loading ? <Loading /> : null}
          {status.data && status.data.files.length === 0 ? <Empty>Nothing to commit: the working tree is clean.</Empty> : null}
          {status.data && status.data.files.length > 0 ? (
            <table class="table table-compact">
              <caption class="visually-hidden">Changed files</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Change</th>
                  <th scope="col">Staged</th>
                </tr>
              </thead>
              <tbody>
                {status.data.files.map((file) => (
                  <tr key={file.path}>
                    <td class="mono break">{file.path}</td>
                    <td>
                      <span class={`change change-${file.status}`}>{CHANGE_LABELS[file.status]}</span>
                    </td>
                    <td>{file.staged ? "yes" : "no"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {status.data?.filesTruncated ? <p class="muted small">More files changed than are listed.</p> : null}
        </section>
        <section class="card" aria-labelledby="files-title">
          <h2 id="files-title">Files</h2>
          <ErrorNotice error={files.error} />
          {!files.data && files.loading ? <Loading /> : null}
          {files.data && files.data.length === 0 ? <Empty>The repository has no files.</Empty> : null}
          {files.data && files.data.length > 0 ? <FileTree nodes={files.data} /> : null}
        </section>
      </div>
    </>
  );
}

export const repositoriesPage: PageModule = {
  id: "repositories",
  title: "Repositories",
  path: "/repositories",
  routes: [
    { pattern: "/repositories", view: RepositoryList },
    { pattern: "/repositories/:name", view: RepositoryView },
  ],
};
