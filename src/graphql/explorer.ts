/**
 * The GraphQL explorer served to browsers at GET /api/graphql: one self-contained page (no CDN, works offline).
 * GraphiQL is a large React bundle; this page is a few KB: an editor, variables, a token field, the result, and
 * the root fields and types read by introspection, with click-to-insert.
 */

/** The explorer page. */
export const EXPLORER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Edgebase GraphQL</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
:root{--bg:#fafafa;--fg:#1d1d1f;--line:#d8d8dc;--accent:#3b5bdb;font:14px system-ui,sans-serif}
body{margin:0;background:var(--bg);color:var(--fg);display:grid;grid-template-columns:240px 1fr 1fr;height:100vh}
aside{border-right:1px solid var(--line);overflow:auto;padding:8px}
aside h2{font-size:12px;text-transform:uppercase;color:#666;margin:12px 0 4px}
aside button{display:block;width:100%;text-align:left;background:none;border:0;padding:2px 4px;cursor:pointer;font:12px ui-monospace,monospace}
aside button:hover{background:#eef}
section{display:flex;flex-direction:column;padding:8px;gap:6px;min-width:0}
textarea,pre,input{font:13px ui-monospace,monospace;border:1px solid var(--line);border-radius:4px;padding:6px;background:#fff}
textarea{resize:none}#query{flex:3}#variables{flex:1}
pre{flex:1;margin:0;overflow:auto;white-space:pre-wrap}
#run{background:var(--accent);color:#fff;border:0;border-radius:4px;padding:6px 12px;cursor:pointer}
.row{display:flex;gap:6px}.row input{flex:1}
</style></head><body>
<aside><h2>Queries</h2><div id="queries"></div><h2>Mutations</h2><div id="mutations"></div><h2>Types</h2><div id="types"></div></aside>
<section><div class="row"><input id="token" placeholder="Authorization token (optional)"><button id="run">Run ⌘⏎</button></div>
<textarea id="query" spellcheck="false"></textarea><textarea id="variables" spellcheck="false" placeholder="{ }"></textarea></section>
<section><pre id="result"></pre></section>
<script>
const $=(id)=>document.getElementById(id);
const store=(k,v)=>v===undefined?localStorage.getItem("eb.gql."+k):localStorage.setItem("eb.gql."+k,v);
$("query").value=store("query")||"{\\n  health\\n}";$("variables").value=store("variables")||"";$("token").value=store("token")||"";
async function send(query,variables){
  const headers={"content-type":"application/json"};const t=$("token").value.trim();if(t)headers.authorization=t;
  const r=await fetch(location.pathname,{method:"POST",headers,body:JSON.stringify({query,variables})});return r.json();
}
async function run(){
  store("query",$("query").value);store("variables",$("variables").value);store("token",$("token").value);
  let vars={};try{vars=$("variables").value.trim()?JSON.parse($("variables").value):{}}catch(e){$("result").textContent="variables: "+e.message;return}
  $("result").textContent="…";try{$("result").textContent=JSON.stringify(await send($("query").value,vars),null,2)}catch(e){$("result").textContent=String(e)}
}
function typeName(t){if(!t)return"…";return t.kind==="NON_NULL"?typeName(t.ofType)+"!":t.kind==="LIST"?"["+typeName(t.ofType)+"]":t.name}
function list(el,items,text){el.replaceChildren(...items.map((it)=>{const b=document.createElement("button");b.textContent=text(it);b.title=it.description||"";b.onclick=()=>insert(it.name);return b}))}
function insert(s){const q=$("query");const i=q.selectionStart;q.value=q.value.slice(0,i)+s+q.value.slice(q.selectionEnd);q.focus()}
async function load(){
  const T="type{kind name ofType{kind name ofType{kind name ofType{kind name}}}}";
  const r=await send("{__schema{queryType{fields{name description "+T+"}} mutationType{fields{name description "+T+"}} types{name kind description}}}");
  if(!r.data){$("result").textContent=JSON.stringify(r,null,2);return}
  const s=r.data.__schema;list($("queries"),s.queryType.fields,(f)=>f.name+": "+typeName(f.type));
  list($("mutations"),s.mutationType?s.mutationType.fields:[],(f)=>f.name+": "+typeName(f.type));
  list($("types"),s.types.filter((t)=>!t.name.startsWith("__")&&t.kind==="OBJECT"),(t)=>t.name);
}
$("run").onclick=run;document.addEventListener("keydown",(e)=>{if((e.metaKey||e.ctrlKey)&&e.key==="Enter")run()});
$("token").onchange=()=>{store("token",$("token").value);load()};load();
</script></body></html>`;
