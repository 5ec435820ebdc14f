/* Lupus Guide: search as you type, suggestions and "Copy link" buttons.

   Progressive enhancement only. Without this file every feature still works through the
   server-rendered form and links, so the script only ever adds to a page: it keeps real
   links real, and when something fails it falls back to an ordinary page load. */
"use strict";

(() => {
  const DELAY_MS = 150; // wait for a pause in typing, so one request is sent per word, not per key

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

  /** A fetch that cancels the previous one made through it, so an answer that arrives late
      never overwrites a newer one. Resolves to the parsed body, or null when superseded. */
  function latestOnly(parse) {
    let controller = null;
    const cancel = () => { if (controller) controller.abort(); };
    const get = async (url) => {
      cancel();
      const mine = (controller = new AbortController());
      try {
        const response = await fetch(url, { signal: mine.signal, credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = await parse(response);
        return mine.signal.aborted ? null : body;
      } catch (error) {
        if (error.name === "AbortError") return null;
        throw error;
      }
    };
    get.cancel = cancel;
    return get;
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

  const getSuggestions = latestOnly((response) => response.json());
  let items = []; // the suggestions shown, as sent by /api/suggest
  let itemsFor = ""; // the words they were found for
  let active = -1; // index of the option with visual focus (focus itself stays in the box)
  let typingTimer = 0;
  let wanted = false; // suggestions asked for (typed) and not yet shown or dismissed

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
    } else {
      closeList();
      announce("No suggestions");
    }
  }

  /** Dismisses the list, and any suggestions still on their way (Escape, leaving the box). */
  function dismissSuggestions() {
    wanted = false;
    getSuggestions.cancel();
    closeList();
  }

  async function updateSuggestions() {
    const text = input.value;
    if (!wanted) return; // dismissed while waiting for the pause in typing
    if (!text.trim()) {
      items = [];
      dismissSuggestions();
      return;
    }
    let data;
    try {
      data = await getSuggestions(`/api/suggest?${new URLSearchParams({ q: text })}`);
    } catch {
      dismissSuggestions(); // suggestions are a convenience: the form still works
      return;
    }
    // Drop an answer for words no longer in the box, or one arriving after the user left it.
    if (data && wanted && text === input.value && document.activeElement === input) {
      wanted = false;
      showSuggestions(data.suggestions, text, data.notice || null);
    }
  }

  function openSuggestion(index) {
    const url = items[index] && items[index].url;
    closeList();
    if (url) window.location.assign(url);
  }

  /* ---------- Results in place, on /search ---------- */

  const getFragment = latestOnly((response) => response.text());
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

  function enhanceResults() {
    results.querySelectorAll("button.copy-link[hidden]").forEach((b) => { b.hidden = false; });
  }

  /** Loads the results part of /search<search> into the page. `how` is "typing", "submit",
      "link" or "history"; `link` is the link that asked for it, if any. */
  async function showResults(search, how, link = null) {
    let html;
    try {
      // While typing, the last word may be unfinished (typing=1 lets the server complete
      // it); a sent search means whole words.
      const extra = how === "typing" ? "fragment=1&typing=1" : "fragment=1";
      html = await getFragment(`/search${search}${search.length > 1 ? "&" : "?"}${extra}`);
    } catch {
      // The server refused (a bad page number...) or cannot be reached: a real page load
      // shows its own explanation. While typing, leave the page alone.
      if (how === "history") window.location.reload();
      else if (how !== "typing") window.location.assign(`/search${search}`);
      return;
    }
    if (html === null) return; // superseded by a newer request
    if (how === "typing" && search !== formSearch()) return; // the words changed meanwhile

    results.innerHTML = html;
    shownSearch = search;
    keepFacets(search);
    enhanceResults();
    remember(search, how);
    results.dispatchEvent(new CustomEvent("results-shown", { detail: { search, how } }));
    const q = (new URLSearchParams(search).get("q") || "").trim();
    document.title = `${q ? `${q} - Search` : "Search"} | Lupus Guide`;

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

  function scheduleUpdate() {
    wanted = true;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      updateSuggestions();
      if (results) showResults(formSearch(), "typing");
    }, DELAY_MS);
  }

  /* ---------- Wiring ---------- */

  if (form && input && list) {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    input.addEventListener("input", scheduleUpdate);

    input.addEventListener("keydown", (event) => {
      if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
      const open = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp": {
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
            scheduleUpdate();
          }
          break;
        default:
      }
    });

    input.addEventListener("blur", () => {
      dismissSuggestions();
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
      clearTimeout(typingTimer);
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

    // Links to other searches (facets, chips, pages, corrections) load in place; they stay
    // real links, so opening one in a new tab or without JavaScript still works.
    results.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey ||
          event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
      const url = new URL(link.href);
      if (url.origin !== window.location.origin || url.pathname !== "/search") return;
      event.preventDefault();
      clearTimeout(typingTimer); // a keystroke still waiting must not undo the link
      input.value = url.searchParams.get("q") || "";
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
      clearTimeout(typingTimer);
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
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.copy-link[data-copy]");
    if (!button) return;
    const url = new URL(button.dataset.copy, window.location.href).href;
    const copied = await copyText(url);
    button.focus(); // the fallback's temporary field took focus
    announce(copied ? "Link copied" : "Could not copy the link: copy it from the address bar",
      true);
    if (!copied) return;
    // Visible feedback too: the button's first words read "Link copied" for two seconds.
    const words = button.firstChild;
    words.textContent = "Link copied";
    clearTimeout(copyTimers.get(button));
    copyTimers.set(button, setTimeout(() => { words.textContent = "Copy link"; }, 2000));
  });

  // On guide pages, a button after each titled section heading copies a link to it. The page's
  // address is used without its query (?highlight=...), which only marks words for one search.
  document.querySelectorAll("[data-copy-headings] :is(h2, h3)[id]").forEach((heading) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link heading-link";
    button.dataset.copy = `${window.location.pathname}#${heading.id}`;
    button.append("Copy link", visuallyHidden(` to “${heading.textContent.trim()}”`));
    // Heading and button share a row; the heading keeps its own name for the page outline.
    const row = document.createElement("div");
    row.className = "heading-row";
    heading.before(row);
    row.append(heading, button);
  });

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
