// Replays an LDES with the reference client (npm ldes-client) and prints, as JSON, the IRIs
// of the records that exist after applying every member (as:Create/as:Update/as:Delete)
// in as:published order. Usage: node ldes_replay.mjs STREAM_URL
import { replicateLDES, intoConfig } from "ldes-client";

const AS = "https://www.w3.org/ns/activitystreams#";
const url = process.argv[2];
const client = replicateLDES(intoConfig({ url, ordered: "ascending", noShape: true }));
const reader = client.stream({ highWaterMark: 10 }).getReader();
const events = [];
for (;;) {
  const { value: member, done } = await reader.read();
  if (done) break;
  const about = member.quads.filter((q) => q.subject.value === member.id.value);
  const type = about.find((q) => q.predicate.value === "http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
  const object = about.find((q) => q.predicate.value === AS + "object");
  const published = about.find((q) => q.predicate.value === AS + "published");
  const described = member.quads.filter((q) => q.graph.value === member.id.value).length;
  events.push({
    id: member.id.value,
    type: type?.object.value.replace(AS, ""),
    object: object?.object.value,
    published: published?.object.value,
    described,
  });
}
events.sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : 0));
const live = new Set();
for (const e of events) {
  if (e.type === "Delete") live.delete(e.object);
  else live.add(e.object);
}
// Records whose Create/Update members carry no description (those later withdrawn or deleted).
const undescribed = events.filter((e) => e.type !== "Delete" && e.described === 0);
console.log(JSON.stringify({ members: events.length, ids: new Set(events.map((e) => e.id)).size,
  withoutDescription: undescribed.length,
  undescribed: [...new Set(undescribed.map((e) => e.object))].sort(),
  live: [...live].sort() }));
