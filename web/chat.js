/*
 * Pore-care chat widget: deep-chat (https://deepchat.dev, MIT) on Rasa's REST channel.
 *
 * Embed with one line; its only setting is the Rasa server address:
 *   <script src="https://YOUR-CHAT-HOST/chat.js" data-server="https://YOUR-RASA-HOST" defer></script>
 * If the page has an element with id="pore-care-chat" the chat fills it; otherwise a chat
 * bubble opens it. The Rasa server must allow the page's origin (rasa run --cors ORIGIN).
 *
 * What this file adds to deep-chat: Rasa's reply format (text + buttons) in and out, button
 * payloads sent verbatim while the user sees the button's title, the greeting on first open,
 * one sender id per browser (so the conversation and its history survive a reload), and
 * labels for screen readers. Bot text is rendered by deep-chat's markdown with raw HTML
 * off, so markup in a message is shown as text, never run.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var SERVER = ((script && script.dataset.server) || 'http://localhost:5005').replace(/\/+$/, '');
  var BASE = new URL('.', (script && script.src) || window.location.href).href;
  var WEBHOOK = SERVER + '/webhooks/rest/webhook';
  var KEY = 'pore-care-chat:' + SERVER;
  var GREETING_INTENT = '/greet';
  var SUGGESTION = 'pore-care-suggestion';
  var UNREACHABLE = 'Sorry, I can’t reach the assistant right now. Please try again in a moment.';
  var SAFE_LINK = /^(https?:|mailto:)/i;
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans KR", "Apple SD Gothic Neo", sans-serif';

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: no history */ }
  }

  // One conversation per browser: the same sender id after a reload keeps Rasa's tracker.
  var sender = null;
  function senderId() {
    if (sender) return sender;
    var id = storageGet(KEY + ':sender');
    if (!id) {
      var bytes = window.crypto.getRandomValues(new Uint8Array(16));
      id = 'web-' + Array.prototype.map.call(bytes, function (b) {
        return ('0' + b.toString(16)).slice(-2);
      }).join('');
      storageSet(KEY + ':sender', id);
    }
    sender = id;
    return id;
  }

  // The page's own labels follow the browser's language; it is sent with each message so that
  // a reply to a message with no words (a button, an emoji) is in it too.
  var BROWSER_LANGUAGE = ((navigator.languages && navigator.languages[0]) || navigator.language || 'en').slice(0, 2).toLowerCase();
  var LABELS = BROWSER_LANGUAGE === 'ko'
    ? { placeholder: '모공 관리에 대해 물어보세요…', send: '메시지 보내기', suggestions: '추천 질문',
        typing: '답변을 쓰는 중이에요', conversation: '대화', chat: '모공 관리 도우미 채팅',
        title: '모공 관리 도우미',
        intro: '자료 문서를 바탕으로 모공 관리 질문에 답하고, 답마다 출처를 알려 드려요. 일반적인 정보이며 의학적 조언이 아니에요.' }
    : { placeholder: 'Ask about pore care…', send: 'Send message', suggestions: 'Suggested questions',
        typing: 'The assistant is typing', conversation: 'Conversation', chat: 'Pore-care assistant chat',
        title: 'Pore-care assistant',
        intro: 'Answers about pore care from our source documents, each with its source. General information, not medical advice.' };

  function askRasa(message) {
    return fetch(WEBHOOK, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sender: senderId(), message: message, metadata: { language: BROWSER_LANGUAGE } })
    }).then(function (response) {
      if (!response.ok) throw new Error('Rasa answered HTTP ' + response.status);
      return response.json();
    });
  }

  // Buttons are built with the DOM so titles and payloads are escaped, never parsed as markup.
  function suggestionsHtml(buttons) {
    var group = document.createElement('div');
    group.className = 'pore-care-suggestions';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', LABELS.suggestions);
    buttons.forEach(function (button) {
      var element = document.createElement('button');
      element.type = 'button';
      element.className = SUGGESTION;
      element.textContent = button.title;
      element.setAttribute('data-payload', button.payload);
      group.appendChild(element);
    });
    return group.outerHTML;
  }

  // Rasa's [{recipient_id, text, buttons: [{title, payload}]}] -> deep-chat messages.
  function toChatMessages(replies) {
    var messages = [];
    (Array.isArray(replies) ? replies : []).forEach(function (reply) {
      if (reply && typeof reply.text === 'string' && reply.text.trim()) {
        messages.push({ role: 'ai', text: reply.text });
      }
      var buttons = (reply && Array.isArray(reply.buttons) ? reply.buttons : []).filter(function (b) {
        return b && typeof b.title === 'string' && typeof b.payload === 'string';
      });
      if (buttons.length) messages.push({ role: 'ai', html: suggestionsHtml(buttons) });
    });
    return messages;
  }

  // deep-chat calls this for every message the user sends (typed or a clicked suggestion).
  function handler(body, signals) {
    var sent = body.messages[body.messages.length - 1] || {};
    var message = (sent.custom && typeof sent.custom.payload === 'string') ? sent.custom.payload : (sent.text || '');
    askRasa(message).then(function (replies) {
      var messages = toChatMessages(replies);
      return signals.onResponse(messages.length ? messages : [{ text: '…' }]);
    }).catch(function () {
      return signals.onResponse({ error: UNREACHABLE });
    });
  }

  function sendSuggestion(chat, button) {
    chat.submitUserMessage({ text: button.textContent, custom: { payload: button.getAttribute('data-payload') } });
  }

  // Runs on every change inside the chat. deep-chat may build its view twice while it
  // starts (a property render and a fallback render race), so labels are (re)applied to
  // each new view. Its markdown renderer accepts any link scheme: keep only web and mail
  // links. Its typing indicator (three dots) gets a label.
  function onChatChange(chat, state) {
    var root = chat.shadowRoot;
    var view = root.getElementById('chat-view');
    if (view && view !== state.view) {
      state.view = view;
      improveAccessibility(chat);
      if (state.focus) chat.focusInput();
    }
    Array.prototype.forEach.call(root.querySelectorAll('a[href]'), function (link) {
      if (!SAFE_LINK.test(link.getAttribute('href').trim())) link.removeAttribute('href');
    });
    Array.prototype.forEach.call(root.querySelectorAll('.deep-chat-loading-message-dots-container'), function (dots) {
      label(dots, { role: 'status', 'aria-label': LABELS.typing });
    });
  }

  function label(element, attributes) {
    if (!element) return;
    Object.keys(attributes).forEach(function (name) {
      if (!element.hasAttribute(name)) element.setAttribute(name, attributes[name]);
    });
  }

  function improveAccessibility(chat) {
    var root = chat.shadowRoot;
    label(root.getElementById('messages'), {
      role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': LABELS.conversation
    });
    label(root.getElementById('text-input'), { role: 'textbox', 'aria-multiline': 'true' });
    var buttons = root.querySelectorAll('#input .input-button');
    var submit = buttons[buttons.length - 1];  // the only input button: no files or microphone
    if (submit && !submit.hasAttribute('aria-label')) {
      label(submit, { role: 'button', tabindex: '0', 'aria-label': LABELS.send });
      submit.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); submit.click(); }
      });
    }
  }

  var SHADOW_CSS = [
    '#messages { padding-bottom: 6px; }',
    '#input { border-top: 1px solid #dde8e6; }',
    '.outer-message-container { margin-top: 4px; }',
    '.message-bubble { font-size: 1rem; line-height: 1.45; max-width: 85%; overflow-wrap: anywhere; }',
    '.message-bubble p { margin: 0 0 0.55em; } .message-bubble p:last-child { margin-bottom: 0; }',
    '.html-message { background: transparent !important; padding: 0 !important; max-width: 100% !important; }',
    '.pore-care-suggestions { display: flex; flex-wrap: wrap; gap: 6px; margin: 2px 0 6px; }',
    '.' + SUGGESTION + ' { font: inherit; font-size: 0.95rem; text-align: left; color: #0f5a57; background: #fff;',
    '  border: 1px solid #7fb8b4; border-radius: 16px; padding: 7px 12px; cursor: pointer; min-height: 36px; }',
    '.' + SUGGESTION + ':hover { background: #e8f4f3; }',
    '.' + SUGGESTION + ':focus-visible, #text-input:focus-visible, .input-button:focus-visible {',
    '  outline: 3px solid #1b6f6a; outline-offset: 2px; }',
    '.error-message-text { color: #8a1c1c; }'
  ].join('\n');

  // focus: put the cursor in the input once the chat is built (when the user opened it).
  function createChat(container, focus) {
    var chat = document.createElement('deep-chat');
    chat.className = 'pore-care-deep-chat';
    // Set before it renders: with no font of its own, deep-chat would fetch one from Google Fonts.
    chat.style.fontFamily = FONT;
    chat.setAttribute('aria-label', LABELS.chat);
    chat.connect = { handler: handler };
    chat.browserStorage = { key: KEY + ':messages', maxMessages: 200 };
    chat.remarkable = { html: false, breaks: true, linkTarget: '_blank' };
    chat.textInput = {
      placeholder: { text: LABELS.placeholder },
      characterLimit: 2000,
      styles: { container: { borderRadius: '20px', border: '1px solid #9bb', boxShadow: 'none', width: '80%' } }
    };
    var noBorder = '0 solid transparent';
    chat.chatStyle = {
      width: '100%', height: '100%', backgroundColor: '#fbfcfc',
      borderTop: noBorder, borderRight: noBorder, borderBottom: noBorder, borderLeft: noBorder
    };
    chat.messageStyles = {
      default: {
        shared: { bubble: { padding: '9px 13px', borderRadius: '14px' } },
        ai: { bubble: { backgroundColor: '#eef3f2', color: '#1d2a2a' } },
        user: { bubble: { backgroundColor: '#1b6f6a', color: '#ffffff' } }
      }
    };
    chat.errorMessages = { overrides: { default: UNREACHABLE, service: UNREACHABLE } };
    chat.htmlClassUtilities = {};
    chat.htmlClassUtilities[SUGGESTION] = {
      events: { click: function (event) { sendSuggestion(chat, event.currentTarget || event.target); } }
    };
    chat.auxiliaryStyle = SHADOW_CSS;
    var state = { view: null, focus: Boolean(focus), started: false };
    chat.onComponentRender = function () {  // called once, after deep-chat's first render
      if (state.started) return;
      state.started = true;
      new MutationObserver(function () { onChatChange(chat, state); })
        .observe(chat.shadowRoot, { childList: true, subtree: true });
      onChatChange(chat, state);
      if (chat.getMessages().length === 0) greet(chat);
    };
    container.appendChild(chat);
    return chat;
  }

  // First open: Rasa's greeting (three example questions as buttons), with no user bubble.
  function greet(chat) {
    askRasa(GREETING_INTENT).then(function (replies) {
      toChatMessages(replies).forEach(function (message) { chat.addMessage(message); });
    }).catch(function () {
      chat.addMessage({ error: UNREACHABLE });
    });
  }

  function loadStyle() {
    if (document.querySelector('link[data-pore-care-chat]')) return;
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = BASE + 'chat.css';
    link.setAttribute('data-pore-care-chat', '');
    document.head.appendChild(link);
  }

  function svgIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  // For other sites: a bubble in the corner that opens the chat in a panel.
  function mountBubble() {
    var launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.className = 'pore-care-launcher';
    launcher.setAttribute('aria-label', 'Open the pore-care chat');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'pore-care-chat-panel');
    launcher.appendChild(svgIcon());

    var panel = document.createElement('section');
    panel.id = 'pore-care-chat-panel';
    panel.className = 'pore-care-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', 'Pore-care assistant');
    panel.hidden = true;
    var header = document.createElement('div');
    header.className = 'pore-care-panel-header';
    var title = document.createElement('h2');
    title.textContent = 'Pore-care assistant';
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'pore-care-close';
    close.setAttribute('aria-label', 'Close the chat');
    close.textContent = '×';
    header.appendChild(title);
    header.appendChild(close);
    var body = document.createElement('div');
    body.className = 'pore-care-panel-body';
    panel.appendChild(header);
    panel.appendChild(body);
    document.body.appendChild(panel);
    document.body.appendChild(launcher);

    var chat = null;
    function setOpen(open) {
      panel.hidden = !open;
      launcher.setAttribute('aria-expanded', String(open));
      launcher.setAttribute('aria-label', open ? 'Close the pore-care chat' : 'Open the pore-care chat');
      if (open && !chat) chat = createChat(body, true);
      else if (open) chat.focusInput();
      else launcher.focus();
    }
    launcher.addEventListener('click', function () { setOpen(panel.hidden); });
    close.addEventListener('click', function () { setOpen(false); });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && !panel.hidden) setOpen(false);
    });
  }

  // Our own page's header (web/index.html) in the browser's language; an embedding site's
  // page is left alone.
  function translateHeader() {
    var header = document.querySelector('.pore-care-header');
    if (!header) return;
    document.documentElement.lang = BROWSER_LANGUAGE === 'ko' ? 'ko' : 'en';
    document.title = LABELS.title;
    header.querySelector('h1').textContent = LABELS.title;
    header.querySelector('p').textContent = LABELS.intro;
  }

  function start() {
    loadStyle();
    import(BASE + 'vendor/deep-chat.js').then(function () {
      var inline = document.getElementById('pore-care-chat');
      if (inline) {
        translateHeader();
        createChat(inline, false);
      }
      else mountBubble();
    }).catch(function (error) {
      console.error('pore-care chat: could not load the chat widget', error);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
