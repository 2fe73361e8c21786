// Live updates for a room page: listen to the event stream and add new
// messages of this room as they are committed.
(function () {
  "use strict";
  const list = document.getElementById("messages");
  if (!list || !window.EventSource) return;
  const talks = list.dataset.talks, room = list.dataset.room;
  // Start after the events the page was rendered from; the browser resumes
  // from the last id it saw if the connection drops.
  const es = new EventSource("/api/v1/events?talks=" + encodeURIComponent(talks) +
    "&last_event_id=" + encodeURIComponent(list.dataset.lastEvent || "0"));
  es.addEventListener("message.posted", function (ev) {
    const e = JSON.parse(ev.data);
    if (e.room !== room) return;
    const m = e.data;
    if (document.getElementById(m.id)) return;
    const empty = list.querySelector(".empty");
    if (empty) empty.remove();
    const li = document.createElement("li");
    li.className = "msg " + m.disclosure;
    li.id = m.id;
    const meta = document.createElement("div");
    meta.className = "meta";
    let line = (m.author_name || "parley") + " · " + new Date(m.created_at).toUTCString() + " · " + m.disclosure;
    if (m.relay) {
      line += " · relayed " + m.relay.mode + (m.relay.attribution === "attributed" ? " from " + m.relay.from_name : ", anonymously");
    }
    meta.textContent = line;
    const p = document.createElement("p");
    p.className = "text";
    p.textContent = m.text;
    li.append(meta, p);
    list.append(li);
  });
  // A stream the server ended because this person was signed out,
  // removed or disabled does not come back: leave the page for the
  // sign-in page rather than keep showing what is no longer theirs.
  es.addEventListener("error", function () {
    fetch("/api/v1/me", { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) {
        es.close();
        list.replaceChildren();
        window.location.assign("/login");
      }
    });
  });
  ["delegation.presence", "talks.status", "plenary.changed", "member.removed", "delegation.removed"].forEach(function (kind) {
    es.addEventListener(kind, function () { window.location.reload(); });
  });
})();
