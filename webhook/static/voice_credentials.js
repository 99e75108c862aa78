// Checks the identifier and password rules as the person types (the server checks them again:
// bot/credentials.py). Each rule line turns ✓ or ✗; the show-password box reveals both fields.
(function () {
  const identifier = document.getElementById("identifier");
  const password = document.getElementById("password");
  const confirmation = document.getElementById("password_confirmation");
  const show = document.getElementById("show");

  const checks = {
    identifier: {
      too_short: (v) => v.length >= 8,
      uppercase: (v) => !/[A-Z]/.test(v),
      bad_characters: (v) => /^[a-zA-Z0-9._-]*$/.test(v),
      is_email: (v) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim()),
    },
    password: {
      too_short: (v) => v.length >= 8,
      no_lowercase: (v) => /\p{Ll}/u.test(v),
      no_uppercase: (v) => /\p{Lu}/u.test(v),
      no_digit: (v) => /[0-9]/.test(v),
      no_special: (v) => /[^\p{L}\p{N}]/u.test(v),
      contains_identifier: (v) => {
        const id = identifier.value.trim().toLowerCase();
        return !id || !v.toLowerCase().includes(id);
      },
    },
    password_confirmation: { same: (v) => v.length > 0 && v === password.value },
  };
  const fields = { identifier, password, password_confirmation: confirmation };

  function update() {
    document.querySelectorAll(".rules li").forEach((li) => {
      const value = fields[li.dataset.field].value;
      const ok = checks[li.dataset.field][li.dataset.rule](value);
      li.classList.toggle("ok", value.length > 0 && ok);
      li.classList.toggle("ko", value.length > 0 && !ok);
      let status = li.querySelector(".sr");
      if (!status) {
        status = document.createElement("span");
        status.className = "sr";
        li.appendChild(status);
      }
      status.textContent = value.length ? (ok ? " (respecté)" : " (pas encore)") : "";
    });
  }

  [identifier, password, confirmation].forEach((input) => input.addEventListener("input", update));
  show.addEventListener("change", () => {
    const type = show.checked ? "text" : "password";
    password.type = type;
    confirmation.type = type;
  });
  update();
})();
