// The advisor console: logs in, polls the queue and the open conversation every 2.5 s, and
// takes over / writes / hands back through /advisor/api. Plain DOM, no framework, no build
// step. Everything shown goes through textContent: a person's message is never HTML.
(function () {
  "use strict";
  const POLL_MS = 2500;
  const STEPS = {
    "": "Accueil",
    provisional_code: "Code provisoire",
    nir: "Numéro de sécurité sociale",
    card_type: "Type de carte Vitale",
    card_serial: "Numéro de série de la carte",
    decision: "Choix : activer ou s'opposer",
    consent: "Consentement",
    oppose_confirmed: "Confirmation de l'opposition",
    contact_confirmed: "Coordonnées",
    identifier: "Identifiant",
    password: "Mot de passe",
    password_confirmation: "Confirmation du mot de passe",
    identity: "Identification",
    card: "Carte Vitale",
    contact: "Coordonnées",
    credentials: "Identifiant et mot de passe",
    done: "Terminé",
    handoff: "Attente d'un conseiller",
    paused: "En pause",
  };
  const CHANNELS = { sms: "SMS", voice: "Téléphone" };
  const WHO = { person: "Personne", bot: "Assistant", advisor: "Conseiller" };
  const COLLECTED = [
    ["first_name", "Prénom"],
    ["nir", "N° de sécurité sociale"],
    ["provisional_code_given", "Code provisoire donné"],
    ["identity_verified", "Identité vérifiée"],
    ["card_type", "Carte Vitale"],
    ["card_serial", "N° de série"],
    ["card_verified", "Carte vérifiée"],
    ["decision", "Choix"],
    ["decision_recorded", "Choix enregistré"],
    ["contact_confirmed", "Coordonnées confirmées"],
    ["email", "E-mail"],
    ["mobile", "Mobile"],
    ["identifier", "Identifiant"],
    ["account_created", "Compte créé"],
    ["handoff_reason", "Motif de la demande"],
  ];
  const VALUES = {
    with_photo: "avec photo", without_photo: "sans photo",
    activate: "activer", oppose: "s'opposer",
    asked: "demandé par la personne", locked: "identification bloquée", card_locked: "carte bloquée",
  };

  const $ = (id) => document.getElementById(id);
  let csrf = "";
  let me = null;
  let selected = null;
  let current = null;
  let timer = null;
  let lastLists = "";
  let lastTranscript = "";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function stepLabel(step) {
    return STEPS[step] !== undefined ? STEPS[step] : step;
  }

  function stateLabel(c) {
    if (c.state === "waiting") return "attend un conseiller";
    if (c.state === "advisor") return c.advisor === (me && me.username) ? "vous avez la main" : "pris par " + (c.advisor || "un conseiller");
    if (c.state === "closed") return "close";
    return "avec l'assistant";
  }

  function time(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" });
  }

  class Unauthorized extends Error {}

  async function api(method, path, body, background) {
    const headers = { "Accept": "application/json" };
    if (method === "POST") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRF-Token"] = csrf;
    }
    if (background) headers["X-Background-Poll"] = "1";
    const response = await fetch("/advisor/api" + path, {
      method, headers, credentials: "same-origin",
      body: method === "POST" ? JSON.stringify(body || {}) : undefined,
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.status === 401 && path !== "/login") throw new Unauthorized();
    if (!response.ok) {
      const error = new Error((data && data.message) || "Erreur " + response.status);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // -- login -------------------------------------------------------------------------------
  function showLogin(message) {
    stopPolling();
    me = null; csrf = ""; selected = null; current = null; lastLists = ""; lastTranscript = "";
    $("console-view").hidden = true;
    $("who").hidden = true;
    $("login-view").hidden = false;
    $("login-error").textContent = message || "";
    $("username").focus();
  }

  function showConsole(who) {
    me = who;
    csrf = who.csrf_token;
    $("login-view").hidden = true;
    $("console-view").hidden = false;
    $("who").hidden = false;
    $("who-name").textContent = who.first_name + " (" + who.username + (who.role === "supervisor" ? ", superviseur" : "") + ")";
    $("mine-title").textContent = who.role === "supervisor" ? "Toutes les autres conversations" : "Mes conversations";
    $("audit-section").hidden = who.role !== "supervisor";
    refresh();
    startPolling();
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const who = await api("POST", "/login", {
        username: $("username").value, password: $("password").value, totp: $("totp").value,
      });
      $("password").value = ""; $("totp").value = "";
      showConsole(who);
    } catch (error) {
      $("login-error").textContent = error.message;
      $("totp").value = "";
    }
  });

  $("logout").addEventListener("click", async () => {
    try { await api("POST", "/logout"); } catch (e) { /* already gone */ }
    showLogin("Vous êtes déconnecté.");
  });

  // -- lists -------------------------------------------------------------------------------
  function conversationButton(c) {
    const li = el("li");
    const button = el("button", c.id === selected ? "selected" : "");
    button.type = "button";
    button.dataset.id = c.id;
    button.append(
      el("span", "line1", (CHANNELS[c.channel] || c.channel) + " · " + c.masked_from),
      el("span", "line2", "Étape : " + stepLabel(c.step) + " — " + stateLabel(c) + " — " + time(c.updated_at)),
    );
    button.addEventListener("click", () => select(c.id));
    li.appendChild(button);
    return li;
  }

  function renderLists(conversations) {
    const key = JSON.stringify([conversations, selected]);
    if (key === lastLists) return;
    lastLists = key;
    const queue = conversations.filter((c) => c.state === "waiting");
    const others = conversations.filter((c) => c.state !== "waiting");
    $("queue").replaceChildren(...queue.map(conversationButton));
    $("queue-empty").hidden = queue.length > 0;
    $("mine").replaceChildren(...others.map(conversationButton));
  }

  // -- one conversation --------------------------------------------------------------------
  function renderDetail(c) {
    current = c;
    $("placeholder").hidden = true;
    $("detail").hidden = false;
    $("detail-title").textContent = (CHANNELS[c.channel] || c.channel) + " · " + c.masked_from;
    $("detail-meta").textContent = "Étape : " + stepLabel(c.step) + " — " + stateLabel(c);
    const mine = c.state === "advisor" && c.advisor === me.username;
    $("takeover").disabled = c.state === "advisor" || c.state === "closed";
    $("release").disabled = !(c.state === "advisor" && (mine || me.role === "supervisor"));
    $("reply").disabled = !mine;
    $("send").disabled = !mine;

    const key = JSON.stringify(c.transcript);
    if (key !== lastTranscript) {
      lastTranscript = key;
      const list = $("transcript");
      list.replaceChildren(...c.transcript.map((m) => {
        const li = el("li", m.from);
        li.append(el("small", "", (WHO[m.from] || m.from) + " · " + time(m.at)), document.createTextNode(m.text));
        return li;
      }));
      list.scrollTop = list.scrollHeight;
    }

    const dl = $("collected");
    if (!c.collected) {
      dl.replaceChildren(el("dd", "hint", "L'assistant ne répond pas : données indisponibles."));
      return;
    }
    const rows = [];
    COLLECTED.forEach(([name, label]) => {
      let value = c.collected[name];
      if (value === null || value === undefined || value === "" || value === false) return;
      if (value === true) value = "oui";
      rows.push(el("dt", "", label), el("dd", "", VALUES[value] || String(value)));
    });
    if (!rows.length) rows.push(el("dd", "hint", "Rien pour l'instant."));
    dl.replaceChildren(...rows);
  }

  async function select(id) {
    selected = id;
    lastTranscript = "";
    $("action-error").textContent = "";
    try {
      renderDetail(await api("GET", "/conversations/" + id));
    } catch (error) { handle(error); }
    lastLists = "";
    refresh();
  }

  async function act(path, body) {
    $("action-error").textContent = "";
    try {
      await api("POST", "/conversations/" + selected + path, body);
      await refresh();
      return true;
    } catch (error) {
      handle(error);
      return false;
    }
  }

  $("takeover").addEventListener("click", () => act("/takeover"));
  $("release").addEventListener("click", async () => {
    const id = selected;
    $("action-error").textContent = "";
    try {
      await api("POST", "/conversations/" + id + "/release");
    } catch (error) { handle(error); return; }
    if (me.role !== "supervisor") close("Conversation rendue à l'assistant : il reprend là où la personne en était.");
    refresh();
  });
  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply").value.trim();
    if (!text) return;
    if (await act("/messages", { text })) $("reply").value = "";
  });
  $("reply").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) $("reply-form").requestSubmit();
  });

  $("audit-load").addEventListener("click", async () => {
    try {
      const entries = await api("GET", "/audit?limit=100");
      $("audit").replaceChildren(...entries.map((e) => el("li", "",
        time(e.at) + " · " + e.actor + " · " + e.action + (e.conversation ? " · " + e.conversation : "") +
        (e.reason ? " · " + e.reason : "") + (e.length ? " · " + e.length + " car." : ""))));
    } catch (error) { handle(error); }
  });

  // -- polling -----------------------------------------------------------------------------
  function close(message) {
    selected = null; current = null; lastTranscript = ""; lastLists = "";
    $("detail").hidden = true;
    $("placeholder").hidden = false;
    $("placeholder").textContent = message;
  }

  function handle(error) {
    if (error instanceof Unauthorized) {
      showLogin("Votre session a expiré : reconnectez-vous.");
      return;
    }
    if (error.status === 404 && selected) {
      close("Cette conversation n'est plus visible (prise par un autre conseiller ou rendue).");
      return;
    }
    $("action-error").textContent = error.message;
  }

  async function refresh(background) {
    if (!me) return;
    try {
      renderLists(await api("GET", "/conversations", null, background));
      if (selected) renderDetail(await api("GET", "/conversations/" + selected, null, background));
    } catch (error) { handle(error); }
  }

  function startPolling() {
    stopPolling();
    timer = setInterval(() => refresh(true), POLL_MS);
  }

  function stopPolling() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  // On load: an open session (page reloaded) goes straight to the console.
  api("GET", "/me", null, true).then(showConsole).catch(() => showLogin(""));
})();
