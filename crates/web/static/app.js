// Métiers SIC: autocompletion of the search boxes (fills their <datalist> from
// /api/v1/suggest). Pages work without it.
const DELAY_MS = 150;

for (const input of document.querySelectorAll("input[data-suggest]")) {
  const list = document.getElementById(input.dataset.suggest);
  if (!list) continue;
  let timer = 0;
  let last = "";
  let controller = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const url = "/api/v1/suggest?limit=8&q=" + encodeURIComponent(q);
        const response = await fetch(url, { signal: controller.signal });
        if (!response.ok) return;
        const suggestions = await response.json();
        list.replaceChildren(
          ...suggestions.map((s) => {
            const option = document.createElement("option");
            option.value = s.label;
            if (s.label !== s.title) option.label = s.title;
            return option;
          }),
        );
      } catch (_) {
        // Aborted or offline: the search box still works without suggestions.
      }
    }, DELAY_MS);
  });
}
