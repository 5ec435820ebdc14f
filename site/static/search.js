/* Lupus Guide: search as you type, suggestions, "Copy link", print and share buttons.

   Progressive enhancement only. Without this file every feature still works through the
   server-rendered form and links, so the script only ever adds to a page: it keeps real
   links real, and when something fails it falls back to an ordinary page load.

   Every keystroke asks at once (the server answers in a few milliseconds, so waiting for a
   pause in typing would only add delay): one request in flight per box, the one before it
   cancelled, an answer for words no longer in the box dropped, and each answer kept for the
   page's life, so going back over the same words asks nothing. On /search the results come
   first, and the suggestions for the same words once typing pauses. */
"use strict";

(() => {
  const KEPT_ANSWERS = 60; // answers kept per box (a results part is about 20 KB)
  const TITLE_CHARS = 60; // a long search is shortened in the tab's title, as on the server
  const ADDRESS_PAUSE_MS = 300; // typed results get their address after this pause in typing
  const SUGGEST_PAUSE_MS = 100; // on /search, suggestions follow the results after this pause

  const form = document.querySelector("form[data-instant]");
  const input = form && form.querySelector("#q");
  const list = document.getElementById("suggestions");
  const panel = document.getElementById("suggest-panel"); // the list, under an urgent notice
  const noticeBox = document.getElementById("suggest-notice");
  const results = document.getElementById("search-results"); // only on /search
  const announcer = document.getElementById("announcer");

  /* ---------- Small helpers ---------- */

  let announceTimer = 0;
  /** Says `message` through the polite live region. With `repeat`, the same words are read
      again (the region is emptied first: screen readers only announce changes). */
  function announce(message, repeat = false) {
    if (!announcer || (!repeat && announcer.textContent === message)) return;
    clearTimeout(announceTimer);
    announcer.textContent = "";
    announceTimer = setTimeout(() => { announcer.textContent = message; }, 50);
  }

  /** One box's requests: each cancels the one before it (at most one in flight), and answers
      are kept by address, so an address asked again is answered at once. `get(url, parse)`
      resolves to the parsed body, or null when a newer request superseded it. */
  function latestOnly() {
    let controller = null;
    const answers = new Map(); // address -> parsed body, oldest first
    const cancel = () => {
      if (controller) controller.abort();
      controller = null;
    };
    const get = async (url, parse) => {
      cancel();
      if (answers.has(url)) {
        const body = answers.get(url);
        answers.delete(url); // now the newest
        answers.set(url, body);
        return body;
      }
      const mine = (controller = new AbortController());
      try {
        const response = await fetch(url, { signal: mine.signal, credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = await parse(response);
        if (mine.signal.aborted) return null;
        controller = null;
        answers.set(url, body);
        if (answers.size > KEPT_ANSWERS) answers.delete(answers.keys().next().value);
        return body;
      } catch (error) {
        if (error.name === "AbortError") return null;
        throw error;
      }
    };
    get.cancel = cancel;
    return get;
  }

  const asJson = (response) => response.json();
  const asText = (response) => response.text();

  /** `text` cut at a word near `limit` characters, with "…" (as the server's headings). */
  function shortened(text, limit) {
    const squeezed = text.split(/\s+/).filter(Boolean).join(" ");
    if (squeezed.length <= limit) return squeezed;
    const head = squeezed.slice(0, limit);
    const cut = head.includes(" ") ? head.slice(0, head.lastIndexOf(" ")) : head;
    return `${cut.replace(/[,;:.-]+$/, "")}…`;
  }

  function visuallyHidden(text) {
    const span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span;
  }

  /** The query string the header form would submit, e.g. "?q=headache&section=...": the
      words typed, with the facet values chosen on the results shown (hidden inputs). */
  function formSearch() {
    return "?" + new URLSearchParams(new FormData(form)).toString();
  }

  // The facets' parameter names, as the server spells them (search/filters.py).
  const FACET_PARAMS = ((form && form.dataset.facets) || "").split(" ").filter(Boolean);

  /** Keeps the form's hidden facet inputs in step with the results on screen, so new words
      are searched within the same choices (as the page does without script). */
  function keepFacets(search) {
    form.querySelectorAll("input[data-facet]").forEach((hidden) => hidden.remove());
    const params = new URLSearchParams(search);
    for (const name of FACET_PARAMS) {
      for (const value of params.getAll(name)) {
        const hidden = document.createElement("input");
        Object.assign(hidden, { type: "hidden", name, value });
        hidden.dataset.facet = name;
        form.append(hidden);
      }
    }
  }

  /* ---------- Suggestions: the WAI-ARIA 1.2 combobox pattern ---------- */

  const ask = latestOnly(); // the search box's one request in flight
  let items = []; // the suggestions shown, as sent by /api/suggest
  let itemsFor = ""; // the words they were found for
  let active = -1; // index of the option with visual focus (focus itself stays in the box)
  let wanted = false; // suggestions asked for (typed) and not yet shown or dismissed
  let pendingStep = 0; // an arrow key pressed while the words' suggestions were on their way
  let suggestTimer = 0;

  function setActive(index) {
    active = index;
    list.querySelectorAll("[role=option]").forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === index));
    });
    if (index >= 0) {
      const option = document.getElementById(`suggestion-${index}`);
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function openList() {
    list.hidden = false;
    if (panel) panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function closeList() {
    if (!list) return;
    list.hidden = true;
    if (panel) panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  /** An urgent notice's call actions, shown above the suggestions (real tel:/sms: links a
      phone can tap; the notice's own row in the list opens its help page). */
  function showNotice(notice) {
    if (!noticeBox) return;
    if (!notice) {
      noticeBox.hidden = true;
      noticeBox.replaceChildren();
      return;
    }
    const title = document.createElement("p");
    title.className = "notice-title";
    title.textContent = notice.title;
    const actions = document.createElement("ul");
    actions.className = "call-actions";
    actions.setAttribute("aria-label", "Ways to get help now");
    for (const action of notice.actions) {
      const link = document.createElement("a");
      link.href = action.href;
      link.className = /^(tel|sms):/.test(action.href) ? "call-action phone" : "call-action";
      const label = document.createElement("span");
      label.className = "call-label";
      label.textContent = action.label;
      const region = document.createElement("span");
      region.className = "call-region";
      region.textContent = action.region;
      link.append(label, " ", region);
      const item = document.createElement("li");
      item.append(link);
      actions.append(item);
    }
    noticeBox.replaceChildren(title, actions);
    noticeBox.hidden = false;
  }

  function showSuggestions(found, text, notice = null) {
    const step = pendingStep;
    pendingStep = 0;
    items = found;
    itemsFor = text;
    showNotice(notice);
    list.replaceChildren(...found.map((item, i) => {
      const option = document.createElement("li");
      option.id = `suggestion-${i}`;
      option.setAttribute("role", "option");
      if (item.kind === "help") option.className = "help";
      option.setAttribute("aria-selected", "false");
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = item.text;
      const kind = document.createElement("span");
      kind.className = "kind";
      const label = !item.kind || item.kind === "page" ? ""
        : item.kind === "help" ? "Get help"
          : item.kind[0].toUpperCase() + item.kind.slice(1);
      kind.textContent = [label, item.detail].filter(Boolean).join(" · ");
      option.append(text, " ", kind);
      return option;
    }));
    setActive(-1);
    if (found.length) {
      openList();
      const count = `${found.length} ${found.length === 1 ? "suggestion" : "suggestions"} available`;
      announce(notice ? `${notice.title}. ${count}` : count);
      if (step) setActive(step === 1 ? 0 : found.length - 1);
    } else {
      closeList();
      announce("No suggestions");
    }
  }

  /** Dismisses the list (Escape, leaving the box). Away from /search, the suggestions still
      on their way are cancelled too; on /search they come with the results, which still
      matter. */
  function dismissSuggestions() {
    wanted = false;
    pendingStep = 0;
    clearTimeout(suggestTimer);
    if (!results) ask.cancel();
    closeList();
  }

  /** Shows suggestions that arrived for `text`, unless the words changed meanwhile, the list
      was dismissed, or the user left the box. */
  function offerSuggestions(data, text) {
    if (!text.trim()) {
      items = [];
      dismissSuggestions();
      return;
    }
    if (data && wanted && text === input.value && document.activeElement === input) {
      wanted = false;
      showSuggestions(data.suggestions, text, data.notice || null);
    }
  }

  /** Away from /search: the suggestions for the words in the box. */
  async function updateSuggestions() {
    const text = input.value;
    if (!text.trim()) {
      offerSuggestions(null, text);
      return;
    }
    let data;
    try {
      data = await ask(`/api/suggest?${new URLSearchParams({ q: text })}`, asJson);
    } catch {
      dismissSuggestions(); // suggestions are a convenience: the form still works
      return;
    }
    if (data) offerSuggestions(data, text);
  }

  function openSuggestion(index) {
    const url = items[index] && items[index].url;
    closeList();
    if (url) window.location.assign(url);
  }

  /* ---------- Results in place, on /search ---------- */

  let shownSearch = window.location.search; // the query string the results on screen belong to
  let typingEntry = false; // whether this bout of typing already has its own history entry

  /** Records `search` in the address bar: typing replaces its own entry after the first, so
      Back returns to the results before the typing, not to every letter typed. */
  function remember(search, how) {
    if (how === "history") return;
    const url = `/search${search}`;
    const replace = (how !== "link" && typingEntry) || search === window.location.search;
    window.history[replace ? "replaceState" : "pushState"](null, "", url);
    typingEntry = how === "typing";
  }

  const wide = window.matchMedia("(min-width: 48.01rem)");

  /** The filters beside the results are open on a wide screen; on a phone they wait behind
      their "Filter results" button. */
  function placeFilters() {
    const panel = results.querySelector("[data-filter-panel]");
    if (panel && wide.matches) panel.open = true;
  }

  function enhanceResults() {
    results.querySelectorAll("button.copy-link[hidden]").forEach((b) => { b.hidden = false; });
    placeFilters();
  }

  /** Which of the filter panel and its "Show more" lists are open, to keep them so. */
  function openParts() {
    return [...results.querySelectorAll("details[open]")].map((d) =>
      d.matches("[data-filter-panel]") ? "panel" : (d.closest(".facet") || d).getAttribute("aria-label"));
  }

  function reopen(parts) {
    for (const details of results.querySelectorAll("details")) {
      const name = details.matches("[data-filter-panel]") ? "panel"
        : (details.closest(".facet") || details).getAttribute("aria-label");
      if (parts.includes(name)) details.open = true;
    }
  }

  /** Puts a results part on screen for `search`, as `how` asked. */
  function paintResults(html, search, how) {
    const open = openParts();
    results.innerHTML = html;
    reopen(open);
    shownSearch = search;
    keepFacets(search);
    enhanceResults();
    results.dispatchEvent(new CustomEvent("results-shown", { detail: { search, how } }));
    const addressAndTitle = () => {
      remember(search, how);
      const q = (new URLSearchParams(search).get("q") || "").trim();
      document.title = `${q ? `${shortened(q, TITLE_CHARS)} - Search` : "Search"} | Lupus Guide`;
    };
    // While typing, the address and title wait for a pause (a new address costs the browser
    // work, and makes it read the page's icon again): the results come first.
    if (how === "typing") {
      pendingAddress = addressAndTitle;
      clearTimeout(addressTimer);
      addressTimer = setTimeout(settleAddress, ADDRESS_PAUSE_MS);
    } else {
      settleAddress();
      addressAndTitle();
    }
  }

  let pendingAddress = null; // the address and title of typed results not yet recorded
  let addressTimer = 0;

  /** Records the typed results' address now (before another entry, or on leaving the box). */
  function settleAddress() {
    clearTimeout(addressTimer);
    const work = pendingAddress;
    pendingAddress = null;
    if (work) work();
  }

  /** Typing on /search: the results for the words in the box at once (typing=1: the last
      word may be unfinished, and the server completes it), then their suggestions once
      typing pauses: one request after the other, so the results never wait for them. */
  async function typed() {
    const search = formSearch();
    const text = input.value;
    let html;
    try {
      html = await ask(`/search${search}&fragment=1&typing=1`, asText);
    } catch {
      dismissSuggestions(); // leave the page alone: the form still works
      return;
    }
    if (html === null || search !== formSearch()) return; // superseded, or words changed
    paintResults(html, search, "typing");
    // The suggestions wait for a short pause after the results: a person typing on sees new
    // results at every key, and the server is not kept busy with suggestions never shown.
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(() => {
      if (wanted && text === input.value) updateSuggestions();
    }, SUGGEST_PAUSE_MS);
  }

  /** Loads the results part of /search<search> into the page. `how` is "submit", "link" or
      "history"; `link` is the link that asked for it, if any. */
  async function showResults(search, how, link = null) {
    let html;
    try {
      html = await ask(`/search${search}${search.length > 1 ? "&" : "?"}fragment=1`, asText);
    } catch {
      // The server refused (a bad page number...) or cannot be reached: a real page load
      // shows its own explanation.
      if (how === "history") window.location.reload();
      else window.location.assign(`/search${search}`);
      return;
    }
    if (html === null) return; // superseded by a newer request
    paintResults(html, search, how);

    if (how !== "typing") {
      // The count's own live region is new, so screen readers would not read it: say it here.
      const count = results.querySelector(".result-count");
      if (count && count.textContent.trim()) announce(count.textContent.trim(), true);
    }
    if (link) restoreFocus(link);
  }

  /** The link that was used has been replaced with the results: focus its twin (same facet
      value) so keyboard users keep their place, else the results heading. */
  function restoreFocus(link) {
    let target = null;
    if (link.matches(".facet-value")) {
      target = [...results.querySelectorAll(".facet-value")].find((a) =>
        a.dataset.facet === link.dataset.facet && a.dataset.value === link.dataset.value);
    }
    if (!target) {
      target = results.querySelector("h1");
      if (!target) return;
      target.tabIndex = -1;
    }
    target.focus();
  }

  /** A keystroke: ask at once. */
  function update() {
    wanted = true;
    clearTimeout(suggestTimer);
    if (results) typed();
    else updateSuggestions();
  }

  /** A result's page, asked for ahead while the pointer or focus is on its link, so it opens
      at once. Through fetch (the Content-Security-Policy allows only connections to this
      site): the browser keeps the page, and the server has it ready. */
  const fetchedAhead = new Set();
  function fetchAhead(event) {
    const link = event.target instanceof Element && event.target.closest(".result-title a, .pinned a");
    if (!link || link.origin !== window.location.origin) return;
    const url = link.pathname + link.search;
    if (fetchedAhead.has(url) || fetchedAhead.size > 20) return;
    fetchedAhead.add(url);
    fetch(url, { credentials: "same-origin", priority: "low" }).catch(() => fetchedAhead.delete(url));
  }

  /* ---------- Wiring ---------- */

  if (form && input && list) {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    input.addEventListener("input", update);

    input.addEventListener("keydown", (event) => {
      if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
      const open = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp": {
          if (itemsFor !== input.value && wanted && input.value.trim()) {
            // The words' suggestions are on their way (a key pressed right after typing):
            // the key applies to them when they arrive, not to those for earlier words.
            event.preventDefault();
            pendingStep = event.key === "ArrowDown" ? 1 : -1;
            return;
          }
          if (!items.length || itemsFor !== input.value) return; // none, or for other words
          event.preventDefault(); // keep the caret where it is
          const step = event.key === "ArrowDown" ? 1 : -1;
          if (!open) {
            openList();
            setActive(step === 1 ? 0 : items.length - 1);
          } else {
            // Wrap around at either end, as in the APG's examples.
            const from = active < 0 ? (step === 1 ? -1 : items.length) : active;
            setActive((from + step + items.length) % items.length);
          }
          break;
        }
        case "Enter":
          if (open && active >= 0) {
            event.preventDefault();
            openSuggestion(active);
          } // else the form is submitted
          break;
        case "Escape":
          if (open || wanted) {
            dismissSuggestions();
            event.preventDefault(); // also stops the browser clearing a search field at once
          } else if (input.value) {
            input.value = "";
            event.preventDefault();
            update();
          }
          break;
        default:
      }
    });

    input.addEventListener("blur", () => {
      dismissSuggestions();
      if (results) settleAddress();
      typingEntry = false; // the next edit gets its own history entry
    });

    // Keep focus in the box while an option or a call link is clicked, then follow it.
    list.addEventListener("pointerdown", (event) => event.preventDefault());
    if (noticeBox) noticeBox.addEventListener("pointerdown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) openSuggestion(Number(option.id.replace("suggestion-", "")));
    });

    form.addEventListener("submit", (event) => {
      dismissSuggestions();
      if (!results) return; // elsewhere: an ordinary GET to /search
      event.preventDefault(); // on /search the results are updated in place
      showResults(formSearch(), "submit");
    });

    // "/" jumps to the search box, unless the user is typing somewhere.
    document.addEventListener("keydown", (event) => {
      if (event.key !== "/" || event.defaultPrevented || event.ctrlKey || event.metaKey ||
          event.altKey) return;
      const target = event.target;
      if (target instanceof Element &&
          (target.isContentEditable || target.closest("input, textarea, select"))) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  if (results && form && input) {
    enhanceResults();
    wide.addEventListener("change", () => {
      const panel = results.querySelector("[data-filter-panel]");
      if (panel) panel.open = wide.matches;
    });
    results.addEventListener("pointerover", fetchAhead);
    results.addEventListener("focusin", fetchAhead);

    // Links to other searches (facets, chips, pages, corrections) load in place; they stay
    // real links, so opening one in a new tab or without JavaScript still works.
    results.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey ||
          event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
      const url = new URL(link.href);
      if (url.origin !== window.location.origin || url.pathname !== "/search") return;
      event.preventDefault();
      input.value = url.searchParams.get("q") || ""; // its request replaces any typed one
      dismissSuggestions();
      showResults(url.search, "link", link);
    });

    // Facet values are announced as checkboxes, and Space toggles a checkbox.
    results.addEventListener("keydown", (event) => {
      if (event.key === " " && event.target.matches("a.facet-value:is([role=checkbox], [role=radio])")) {
        event.preventDefault();
        event.target.click();
      }
    });

    window.addEventListener("popstate", () => {
      if (window.location.search === shownSearch) return; // only the #part changed
      pendingAddress = null; // the typed results' address is history now
      input.value = new URLSearchParams(window.location.search).get("q") || "";
      dismissSuggestions();
      typingEntry = false;
      showResults(window.location.search, "history");
    });
  }

  /* ---------- "Copy link" ---------- */

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // No Clipboard API (an old browser, or a page not served securely): copy the text of a
      // temporary, selected field instead.
      const field = document.createElement("input");
      field.value = text;
      field.readOnly = true;
      field.className = "visually-hidden";
      field.setAttribute("aria-hidden", "true");
      document.body.append(field);
      field.select();
      let copied = false;
      try {
        copied = document.execCommand("copy");
      } catch {
        copied = false;
      }
      field.remove();
      return copied;
    }
  }

  const copyTimers = new WeakMap();

  /** Says a copy worked on the button itself for two seconds: an icon button shows
      "Copied" beside its icon, a worded one reads "Link copied". */
  function showCopied(button) {
    const words = button.querySelector(".button-words");
    if (words) {
      words.dataset.label = words.dataset.label || words.textContent;
      words.textContent = "Link copied";
    } else {
      button.classList.add("copied");
    }
    clearTimeout(copyTimers.get(button));
    copyTimers.set(button, setTimeout(() => {
      if (words) words.textContent = words.dataset.label;
      button.classList.remove("copied");
    }, 2000));
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.copy-link[data-copy]");
    if (!button) return;
    const url = new URL(button.dataset.copy, window.location.href).href;
    // On a touch screen, the page's share button opens the phone's own share sheet.
    if (button.matches("[data-share]") && navigator.share && touch.matches) {
      try {
        await navigator.share({ title: document.title, url });
      } catch {
        // dismissed: nothing to say
      }
      return;
    }
    const copied = await copyText(url);
    button.focus(); // the fallback's temporary field took focus
    announce(copied ? "Link copied" : "Could not copy the link: copy it from the address bar",
      true);
    if (copied) showCopied(button);
  });

  const touch = window.matchMedia("(hover: none)");
  const SVG = "http://www.w3.org/2000/svg";

  /** A chain-link icon (decorative: the button's name is its hidden words). */
  function linkIcon() {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    for (const d of ["M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7",
      "M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7"]) {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      svg.append(path);
    }
    return svg;
  }

  // On guide pages, a small icon button beside each titled section heading copies a link to
  // it. The page's address is used without its query (?highlight=...), which only marks
  // words for one search.
  document.querySelectorAll("[data-copy-headings] :is(h2, h3)[id]").forEach((heading) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link heading-link";
    button.dataset.copy = `${window.location.pathname}#${heading.id}`;
    const copiedNote = document.createElement("span");
    copiedNote.className = "copied-note";
    copiedNote.textContent = "Copied";
    button.append(linkIcon(), visuallyHidden(`Copy link to “${heading.textContent.trim()}”`),
      copiedNote);
    // Heading and button share a row; the heading keeps its own name for the page outline.
    const row = document.createElement("div");
    row.className = "heading-row";
    heading.before(row);
    row.append(heading, button);
  });

  // A guide page's tools: print, and one share button (the phone's share sheet on touch).
  const tools = document.querySelector("[data-page-tools]");
  if (tools) {
    tools.querySelectorAll(".copy-link").forEach((button) => {
      const words = document.createElement("span");
      words.className = "button-words";
      const shares = button.matches("[data-share]") && navigator.share && touch.matches;
      words.textContent = shares ? "Share this page" : "Copy link to this page";
      button.replaceChildren(words);
    });
    const print = tools.querySelector("[data-print]");
    if (print && typeof window.print === "function") {
      print.addEventListener("click", () => window.print());
    } else if (print) {
      print.remove();
    }
    tools.hidden = false;
  }

  // The sections row scrolls sideways on a phone: bring the current section into view.
  const current = document.querySelector(".sections-nav a[aria-current]");
  if (current) {
    const row = current.closest("ul");
    if (row.scrollWidth > row.clientWidth) {
      row.scrollLeft = current.offsetLeft - row.offsetLeft - 16;
    }
  }

  /* ---------- Search insights: results opened, and searches made by typing ---------- */

  // The server counts a search when it is sent (a page load, Enter, a link). Results shown
  // while typing count once the typing pauses, the page is left or a result is opened: then
  // the same search is asked for again as sent (a HEAD request: no page comes back). The
  // opened result is reported with a beacon; the link itself works as always.
  const SETTLE_MS = 2500;
  let unsettled = null; // the query string of typed results not yet counted
  let settleTimer = 0;

  function settle() {
    clearTimeout(settleTimer);
    if (!unsettled) return;
    const search = unsettled;
    unsettled = null;
    fetch(`/search${search}${search.length > 1 ? "&" : "?"}fragment=1`,
      { method: "HEAD", keepalive: true, credentials: "same-origin" }).catch(() => {});
  }

  function reportOpened(event) {
    if (event.type === "auxclick" && event.button !== 1) return;
    const link = event.target.closest("li.result a[href], .pinned a[href]");
    const heading = results.querySelector("[data-search]");
    if (!link || !heading || typeof navigator.sendBeacon !== "function") return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    settle();
    navigator.sendBeacon("/insights/opened",
      new URLSearchParams({ search: heading.dataset.search, url: url.pathname }));
  }

  if (results) {
    results.addEventListener("results-shown", (event) => {
      clearTimeout(settleTimer);
      unsettled = event.detail.how === "typing" ? event.detail.search : null;
      if (unsettled) settleTimer = setTimeout(settle, SETTLE_MS);
    });
    results.addEventListener("click", reportOpened, true);
    results.addEventListener("auxclick", reportOpened, true);
    window.addEventListener("pagehide", settle);
  }
})();
