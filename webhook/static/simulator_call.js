// The simulator's call mode: a 12-key keypad for Digits, a text box standing for speech, a
// silence button; each event goes to /simulator/api/call, which runs the phone face's own call
// logic, and the assistant's lines come back as JSON. They are shown, read-backs in groups, and
// spoken with the browser's speech synthesis (fr-FR) when it has one. Keys are gathered the way
// Twilio gathers them: one key for a menu, a confirmation or a pause; a string ended by # for
// numbers and codes (the # is not sent, like Twilio's finishOnKey).
(function () {
  const $ = (id) => document.getElementById(id);
  const from = $("from");
  const log = $("call-log");
  const status = $("call-status");
  const expect = $("call-expect");
  const typed = $("call-keys");
  const speech = $("call-text");
  const voiceBox = $("call-voice");
  const noAnswer = $("call-no-answer");
  const keys = Array.from(document.querySelectorAll("#keypad button"));
  const inputs = [...keys, speech, $("call-say"), $("call-silence")];
  const synth = "speechSynthesis" in window ? window.speechSynthesis : null;
  const SINGLE_KEY = ["choice", "yes_no", "confirm", "wait"];
  const EXPECTS = {
    letters: "J'attends le code : dites-le (tapé ci-dessous) ou tapez-le touche par touche, puis #.",
    digits: "J'attends des chiffres : tapez-les puis #, ou dites-les.",
    choice: "J'attends une touche (1, 2…) ou un mot.",
    yes_no: "J'attends 1 pour oui, 2 pour non (ou « oui » / « non »).",
    confirm: "Tapez 1 si c'est exact, 2 pour recommencer.",
    wait: "Je patiente : tapez 1 ou dites « c'est bon » quand vous êtes prêt.",
    free: "Dites votre réponse (tapez-la ci-dessous), puis « Dire ».",
  };
  let listening = null; // the reply's `listen`: {kind, hints}, or null when nothing is gathered
  let buffer = "";
  let busy = false;

  if (!synth) {
    voiceBox.checked = false;
    voiceBox.disabled = true;
    voiceBox.parentElement.append(" (indisponible dans ce navigateur)");
  }

  function entry(who, text, readBack) {
    const div = document.createElement("div");
    div.className = "msg " + who + (readBack ? " readback" : "");
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function speak(lines) {
    if (!synth || !voiceBox.checked) return;
    for (const line of lines) {
      const utterance = new SpeechSynthesisUtterance(line.groups.length ? line.groups.join(", ") : line.text);
      utterance.lang = "fr-FR";
      const french = synth.getVoices().find((v) => v.lang && v.lang.startsWith("fr"));
      if (french) utterance.voice = french;
      if (line.groups.length) utterance.rate = 0.75; // read-backs slowly, as on the phone
      synth.speak(utterance);
    }
  }

  function setEnabled(on) {
    inputs.forEach((el) => { el.disabled = !on; });
    $("call-start").disabled = on;
    $("call-end").disabled = !on;
  }

  function show(reply) {
    for (const line of reply.lines) {
      if (line.groups.length) entry("bot", line.groups.join(" / "), true);
      else entry("bot", line.text);
    }
    speak(reply.lines);
    listening = reply.listen;
    noAnswer.hidden = !reply.dial;
    if (reply.dial) {
      status.textContent = "Transfert vers un conseiller (" + reply.dial + ").";
      setEnabled(false);
      $("call-start").disabled = true;
      $("call-end").disabled = false;
      expect.textContent = "";
    } else if (reply.hangup) {
      status.textContent = "L'assistant a raccroché. Appel terminé.";
      ended();
    } else {
      status.textContent = "Appel en cours.";
      expect.textContent = listening ? EXPECTS[listening.kind] || EXPECTS.free : "";
    }
  }

  function ended() {
    listening = null;
    buffer = "";
    typed.value = "";
    expect.textContent = "";
    setEnabled(false);
  }

  async function event(body, quiet) {
    if (busy && !quiet) return;
    busy = true;
    if (synth) synth.cancel(); // the caller speaks over the assistant (barge-in)
    try {
      const response = await fetch("/simulator/api/call", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({from: from.value, ...body}),
      });
      const data = await response.json();
      if (!response.ok) entry("bot", data.message || "Requête refusée.");
      else if (!quiet) show(data);
    } catch (error) {
      entry("bot", "Le service ne répond pas. Vérifiez que make run tourne.");
    } finally {
      if (!quiet) busy = false;
    }
  }

  function press(key) {
    if (!listening) return;
    if (key === "#") {
      const digits = buffer;
      buffer = "";
      typed.value = "";
      entry("me", digits ? "Touches : " + digits + " #" : "Touche : #");
      event(digits ? {action: "answer", digits} : {action: "answer", digits: "#"});
      return;
    }
    if (SINGLE_KEY.includes(listening.kind)) {
      entry("me", "Touche : " + key);
      event({action: "answer", digits: key});
      return;
    }
    buffer += key;
    typed.value = buffer;
  }

  keys.forEach((button) => button.addEventListener("click", () => press(button.dataset.key)));
  $("keypad").addEventListener("keydown", (e) => {
    if (/^[0-9*#]$/.test(e.key)) {
      e.preventDefault();
      press(e.key);
    }
  });
  $("call-speech").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = speech.value.trim();
    if (!text || !listening) return;
    speech.value = "";
    entry("me", "Vous dites : « " + text + " »");
    event({action: "answer", speech: text});
  });
  $("call-silence").addEventListener("click", () => {
    entry("me", "(silence)");
    event({action: "silence"});
  });
  noAnswer.addEventListener("click", () => {
    entry("me", "(le conseiller ne répond pas)");
    setEnabled(true);
    event({action: "dialed", status: "no-answer"});
  });
  $("call-start").addEventListener("click", () => {
    log.replaceChildren();
    setEnabled(true);
    status.textContent = "Appel en cours.";
    event({action: "start"});
  });
  $("call-end").addEventListener("click", () => {
    entry("me", "(vous raccrochez)");
    if (synth) synth.cancel();
    noAnswer.hidden = true;
    status.textContent = "Vous avez raccroché. Rappelez pour reprendre là où vous en étiez.";
    ended();
    event({action: "hangup"}, true);
  });

  function mode(call) {
    $("sms-mode").hidden = call;
    $("call-mode").hidden = !call;
    $("mode-sms").setAttribute("aria-pressed", String(!call));
    $("mode-call").setAttribute("aria-pressed", String(call));
    (call ? $("call-start") : $("text")).focus();
  }
  $("mode-sms").addEventListener("click", () => mode(false));
  $("mode-call").addEventListener("click", () => mode(true));
})();
