// Runs before the first paint: applies the theme chosen in the UI (ui/src/theme.ts), else the system's.
try {
  const theme = localStorage.getItem("cursor-runner.theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
} catch {
  // storage blocked: the system's colour scheme applies
}
