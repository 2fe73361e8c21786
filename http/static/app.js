// Live updates for a room page: listen to the event stream and add new
// messages of this room as they are committed.
(function () {
  "use strict";
  const list = document.getElementById("messages");
  if (!list || !window.EventSource) return;
  const talks = list.dataset.talks, room = list.dataset.room;
  // Start after the events the page was rendered from (without it, the
  // stream starts at the present, never with the whole history); the
  // browser resumes from the last id it saw if the connection drops.
  let url = "/api/v1/events?talks=" + encodeURIComponent(talks);
  if (list.dataset.lastEvent) url += "&last_event_id=" + encodeURIComponent(list.dataset.lastEvent);
  const es = new EventSource(url);
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
    let line = m.author_name + " · " + new Date(m.created_at).toUTCString() + " · " + m.disclosure;
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
  ["delegation.presence", "talks.status", "plenary.changed"].forEach(function (kind) {
    es.addEventListener(kind, function () { window.location.reload(); });
  });
})();
