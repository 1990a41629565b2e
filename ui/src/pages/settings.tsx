import { useState } from "preact/hooks";
import { api } from "../api";
import { Empty, ErrorNotice, Loading, PageHeader } from "../components/notice";
import { ago, when } from "../format";
import { useResource, useTitle } from "../hooks";
import type { Setting } from "../types";
import type { PageModule } from "./page";

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function SettingRow({ setting, onChange }: { setting: Setting; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const toggle = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.putSetting(setting.name, setting.enabled ? 0 : 1);
      onChange();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const id = `setting-${setting.name}`;
  return (
    <li class="setting">
      <div class="setting-text">
        <label for={id} class="setting-name mono">
          {setting.name}
        </label>
        <span class="muted small" title={when(setting.updated_at)}>
          changed {ago(setting.updated_at)}
        </span>
        <ErrorNotice error={error} />
      </div>
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={setting.enabled}
        class={`switch ${setting.enabled ? "on" : ""}`}
        disabled={busy}
        onClick={() => void toggle()}
      >
        <span class="switch-knob" aria-hidden="true" />
        <span class="switch-label">{setting.enabled ? "On" : "Off"}</span>
      </button>
    </li>
  );
}

function AddSetting({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const add = async (event: Event) => {
    event.preventDefault();
    if (!NAME.test(name)) {
      setError("A setting name is 1–64 letters, digits, “_”, “-” or “.” (e.g. debug).");
      return;
    }
    setError(undefined);
    try {
      await api.putSetting(name, 1);
      setName("");
      onAdded();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <form class="inline-form" onSubmit={add}>
      <label class="field field-inline">
        <span>New setting</span>
        <input name="setting" value={name} onInput={(event) => setName(event.currentTarget.value)} placeholder="e.g. debug" />
      </label>
      <button type="submit" class="button" disabled={!name}>
        Add (on)
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

function Settings() {
  useTitle("Settings");
  const settings = useResource((signal) => api.settings(signal), []);
  const agents = useResource((signal) => api.agents(signal), []);
  const health = useResource((signal) => api.queueHealth({ signal }), [], { refreshMs: 5000 });
  const queue = health.data?.queue;
  return (
    <>
      <PageHeader title="Settings" />
      <div class="settings-grid">
        <section class="card" aria-labelledby="system-title">
          <h2 id="system-title">System settings</h2>
          <p class="muted small">
            On/off switches stored in the database (<code>system_settings</code>), read fresh by every request — for example{" "}
            <code>debug</code>.
          </p>
          <ErrorNotice error={settings.error} />
          {!settings.data && settings.loading ? <Loading /> : null}
          {settings.data && settings.data.length === 0 ? <Empty>No setting is stored yet.</Empty> : null}
          {settings.data && settings.data.length > 0 ? (
            <ul class="settings">
              {settings.data.map((setting) => (
                <SettingRow key={setting.name} setting={setting} onChange={settings.reload} />
              ))}
            </ul>
          ) : null}
          <AddSetting onAdded={settings.reload} />
        </section>

        <section class="card" aria-labelledby="queue-title">
          <h2 id="queue-title">Execution queue</h2>
          <ErrorNotice error={health.error} />
          {queue ? (
            <dl class="stats">
              <div>
                <dt>Free slots</dt>
                <dd>
                  {queue.available} / {queue.maxConcurrent}
                </dd>
              </div>
              <div>
                <dt>Waiting</dt>
                <dd>{queue.waiting}</dd>
              </div>
              <div>
                <dt>Queue limit</dt>
                <dd>{queue.maxQueue}</dd>
              </div>
            </dl>
          ) : null}
          {health.data?.warning ? <p class="notice notice-warning">{health.data.warning}</p> : null}
        </section>
      </div>

      <section class="card" aria-labelledby="agents-title">
        <h2 id="agents-title">Agents</h2>
        <p class="muted small">Every agent CLI a request may name, whether its executable was found, and its version.</p>
        <ErrorNotice error={agents.error} />
        {!agents.data && agents.loading ? <Loading label="Asking each agent CLI for its version…" /> : null}
        {agents.data ? (
          <div class="table-scroll">
            <table class="table">
              <caption class="visually-hidden">Agent CLIs</caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Status</th>
                  <th scope="col">Version</th>
                  <th scope="col">Executable</th>
                  <th scope="col">Set with</th>
                </tr>
              </thead>
              <tbody>
                {agents.data.agents.map((agent) => (
                  <tr key={agent.name}>
                    <td>
                      <strong>{agent.name}</strong>
                      {agent.default ? <span class="badge badge-default">default</span> : null}
                    </td>
                    <td>
                      {agent.available ? (
                        <span class="badge badge-succeeded">Found</span>
                      ) : (
                        <span class="badge badge-failed" title={agent.error}>
                          Not found
                        </span>
                      )}
                    </td>
                    <td class="mono">{agent.version ?? "—"}</td>
                    <td class="mono break">{agent.path ?? agent.command}</td>
                    <td class="mono">{agent.setting}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}

export const settingsPage: PageModule = {
  id: "settings",
  title: "Settings",
  path: "/settings",
  routes: [{ pattern: "/settings", view: Settings }],
};
