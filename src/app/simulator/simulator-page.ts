// The chat simulator page as strings (no build step, no fs: runs on Workers too). Plain JS, no
// framework, no CDN. String.raw keeps regex backslashes intact; __NONCE__ is filled per response.
// Everything from the server is escaped or set via textContent before it reaches the DOM.
import { SCRIPT } from "./simulator-script.ts";

const STYLE = String.raw`
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:15px;
  background:#ededed;color:#1f2329;display:flex;flex-direction:column;height:100vh;height:100dvh;max-width:760px;margin:0 auto}
header{background:#fff;border-bottom:1px solid #ddd;padding:8px 12px;flex:none}
.bar{display:flex;align-items:center;justify-content:space-between;gap:8px}
h1{font-size:16px;margin:0;font-weight:600}
#status{font-size:12px;color:#888;white-space:nowrap}
#status[data-state=live]{color:#07a35a}
.row{display:flex;gap:8px;align-items:center;margin-top:6px}
.row label{font-size:13px;color:#666;flex:none}
select{flex:1;min-width:0;font-size:15px;padding:6px;border:1px solid #ccc;border-radius:6px;background:#fff}
#who{font-size:12px;color:#666;margin-top:4px;min-height:1em}
#reset,#signout button{flex:none;font-size:13px;padding:6px 8px;border:1px solid #d9534f;color:#d9534f;background:#fff;border-radius:6px}
#signout{flex:none;margin:0}
main{flex:1;overflow-y:auto;padding:12px 10px;display:flex;flex-direction:column;gap:10px}
.msg{flex:none;max-width:86%;padding:9px 12px;border-radius:8px;line-height:1.55;word-wrap:break-word;overflow-wrap:anywhere}
.msg:not(.card){white-space:pre-wrap}
.msg.bot{align-self:flex-start;background:#fff}
.msg.user{align-self:flex-end;background:#95ec69}
.msg.tap{align-self:flex-end;background:none;color:#666;font-size:13px;padding:0 4px}
.msg.system{align-self:center;background:none;color:#999;font-size:12px;padding:0}
.msg.card{padding:0;overflow:hidden;width:86%}
.msg.image{padding:6px;width:86%}
.msg.image img{display:block;width:100%;height:auto;border-radius:4px;cursor:zoom-in}
.msg.image.full{max-width:100%;width:100%}
.msg.image .alt{font-size:12px;color:#888;padding:4px 2px 0}
.card .title{font-weight:600;padding:10px 12px 4px}
.card .title:last-child{padding-bottom:10px}
.card .desc{padding:0 12px 8px;color:#444}
.card dl{margin:0 12px 8px;display:grid;grid-template-columns:auto 1fr;gap:3px 10px;font-size:14px}
.card dt{color:#888}.card dd{margin:0}
.card a.link{display:block;padding:0 12px 8px;color:#1a6fd1;text-decoration:none}
.card .buttons{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px 12px;border-top:1px solid #f0f0f0}
.card button{flex:1 1 40%;min-height:36px;font-size:14px;border-radius:6px;border:1px solid #ccc;background:#f7f7f7;color:#1f2329}
.card button.primary{background:#07c160;border-color:#07c160;color:#fff}
.card button.danger{background:#fff;border-color:#d9534f;color:#d9534f}
.card button:disabled{opacity:.5}
.card .final{padding:8px 12px 10px;border-top:1px solid #f0f0f0;color:#888;font-size:14px}
.c-info{color:#07a35a}.c-comment{color:#888}.c-warning{color:#e67e22}
form#composer{flex:none;display:flex;gap:8px;padding:8px 10px;background:#f7f7f7;border-top:1px solid #ddd}
#input{flex:1;min-width:0;font-size:16px;padding:8px 10px;border:1px solid #ccc;border-radius:6px}
#send{flex:none;font-size:15px;padding:0 16px;border:0;border-radius:6px;background:#07c160;color:#fff}
`;

const HTML = String.raw`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>模拟器 · 知识产权流动工作室助手</title>
<link rel="icon" href="data:,">
<style nonce="__NONCE__">${STYLE}</style>
</head>
<body>
<header>
  <div class="bar"><h1>知识产权工作室助手 · 模拟器</h1><span id="status" data-state="connecting">连接中…</span></div>
  <div class="row"><label for="persona">身份</label><select id="persona"></select><button id="reset" type="button" hidden>重置演示数据</button><form id="signout" method="post" action="/simulator/logout" hidden><button type="submit">退出登录</button></form></div>
  <div id="who"></div>
</header>
<main id="chat" aria-live="polite"></main>
<form id="composer"><input id="input" autocomplete="off" maxlength="4000" placeholder="输入消息，如“菜单”" aria-label="消息"><button id="send" type="submit">发送</button></form>
<script nonce="__NONCE__">${SCRIPT}</script>
</body>
</html>`;

/** The simulator page; `nonce` must match the response's Content-Security-Policy. */
export function simulatorPage(nonce: string): string {
  return HTML.replaceAll("__NONCE__", nonce);
}

const SIGN_IN = String.raw`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 模拟器</title>
<link rel="icon" href="data:,">
<style nonce="__NONCE__">
*{box-sizing:border-box}
body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:360px;margin:15vh auto;padding:0 16px;color:#1f2329}
h1{font-size:18px}input,button{width:100%;font-size:16px;padding:10px;margin-top:10px;border-radius:6px;border:1px solid #ccc}
button{background:#07c160;color:#fff;border:0}.err{color:#d9534f;font-size:14px}
</style>
</head>
<body>
<h1>模拟器需要管理员登录</h1>
<p class="err">__ERROR__</p>
<form method="post" action="/simulator/login">
<input type="password" name="token" autocomplete="current-password" placeholder="管理员令牌 (ADMIN_TOKEN)" aria-label="管理员令牌" required>
<button type="submit">登录</button>
</form>
</body>
</html>`;

/** The admin sign-in form (production). `error` is a fixed message of ours, never user input. */
export function signInPage(nonce: string, error = ""): string {
  return SIGN_IN.replaceAll("__NONCE__", nonce).replace("__ERROR__", error.replace(/[&<>"']/g, ""));
}
