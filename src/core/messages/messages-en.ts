/**
 * What the bot itself says to an employee, in English: the source catalogue. Every other
 * language has exactly these keys, with the same `{placeholders}` (test/messages checks both).
 * Texts for engineers (ticket descriptions, triage cards and their lines, their forms) are not
 * here yet: they are in ENGINEERS_LANGUAGE (catalogue.ts), English for now.
 */
export const en = {
  intro:
    "Hi! I'm the IT help bot. Ask me an IT question in your own words, for example *how do I reset my password* or *vpn won't connect*. If I can't help, I'll open a ticket for a person.",
  tooLong:
    'That message is too long for me ({length} characters; I read up to {max}). Please ask in a sentence or two.',
  thanks: "You're welcome! Ask me anytime.",
  'answer.fullArticle': 'Full article: {url}',
  /** Under an answer, a channel's link to the whole article (the channel formats {link}). */
  'answer.source': 'Source: {link}',
  'answer.fallbackToEnglish': 'I have no article in your language on this, so here is what I have in English.',
  'button.helpful': 'Helpful',
  'button.notHelpful': 'Not helpful',
  'button.talkToHuman': 'Talk to a human',
  'button.stale': 'That button has expired or belongs to another conversation. Please ask your question again.',
  'button.unknown': "Sorry, I don't know that button. It may belong to an older message; please ask me again.",
  /** The button under an answer that starts its guided script (the scripts themselves are in English). */
  'script.offer': 'Walk me through it',
  /** A guided walkthrough (the script's own steps are the editors' words, in the script's language). */
  'script.startNow': "Let's fix this step by step: *{title}*.",
  'script.untitled': 'walkthrough',
  'script.timedOut':
    'Your walkthrough *{title}* timed out after {minutes} minutes without an answer, so I closed it. You can start it again any time.',
  'script.stopped': 'OK, I stopped the walkthrough.',
  'script.stoppedByText': 'OK, I stopped the walkthrough. Ask me anything, or say *talk to a human*.',
  'script.paused': 'Your walkthrough *{title}* is paused. Continue where you left off?',
  'script.continue': 'Continue',
  'script.stop': 'Stop the walkthrough',
  'script.startOver': 'Start over',
  'script.startingOver': 'Starting over.',
  'script.typeAnswer': 'Type your answer.',
  'script.answerMissing': 'Please type an answer.',
  'script.answerInvalid': 'That answer does not look right; please try again.',
  'script.answerOneOf': 'Please answer one of: {choices}.',
  'script.articleMissing': '(The article "{article}" is not available right now.)',
  'script.ratePrompt': 'How helpful was this walkthrough?',
  'script.rateThanks': 'Thanks for the rating!',
  'suggestions.prompt': "I'm not sure I understood. Did you mean one of these?",
  'suggestions.none': 'None of these',
  'suggestions.noneReply': 'OK. Try asking in other words, or I can open a ticket for a person.',
  noAnswer: "I don't have an answer for that. Would you like me to open a ticket so a person can help?",
  'feedback.helpful': 'Great, glad that helped! Thanks for letting me know.',
  'feedback.notHelpful':
    'Sorry that did not help. You can rephrase your question, or I can open a ticket for a person.',
  'ticket.opened': "I've opened ticket {key} for you. An engineer will pick it up, and you'll see every update here.",
  'ticket.openedFromForm':
    "I've opened ticket {key} for you. An engineer will pick it up, and you'll see every update in this thread; reply here to add details.",
  'ticket.openedFromMessage':
    "I've opened ticket {key} from this message. An engineer will pick it up; updates will appear in this thread.",
  'ticket.alreadyOpen': "Your ticket {key} is already open ({status}). You'll see updates here.",
  'ticket.threadHasTicket': 'This thread already has ticket {key} ({status}).',
  'ticket.messageEmpty': 'That message has no text I can put in a ticket.',
  /** A ticket as the requester sees it on a card (Teams' facts, Slack's summary line); statuses by their id. */
  'ticket.field.ticket': 'Ticket',
  'ticket.field.subject': 'Subject',
  'ticket.field.status': 'Status',
  'ticket.field.priority': 'Priority',
  'ticket.field.with': 'With',
  'ticket.summary.status': 'status {status}',
  'ticket.summary.with': 'with {name}',
  'ticket.status.new': 'new',
  'ticket.status.claimed': 'claimed',
  'ticket.status.escalated': 'escalated',
  'ticket.status.waiting': 'waiting',
  'ticket.status.resolved': 'resolved',
  'ticket.status.closed': 'closed',
  'ticket.status.reopened': 'reopened',
  'ticket.relayed': 'Passed on to the engineers working on {key}.',
  /** A ticket form's errors, per field. */
  'form.subjectMissing': 'Give the ticket a short subject.',
  'form.subjectShort': 'Give a few more words (at least 5 characters), e.g. "VPN drops every 10 minutes".',
  'form.subjectLong': 'Keep the subject under {max} characters; put the rest in the description.',
  'form.descriptionMissing': 'Describe the problem.',
  'form.descriptionShort': 'Describe the problem in a sentence or two: what you tried, what you saw.',
  'form.descriptionLong': 'Keep the description under {max} characters.',
  'form.priorityMissing': 'Choose a priority.',
  'form.categoryMissing': 'Choose a category.',
  'form.categoryUnknown': 'Choose one of the listed categories.',
  'ticket.formErrors': 'Please fix the highlighted fields.',
  /** What the requester is told about their ticket (ticket-news.ts); {person}, {key}, {note}... are parts the chat renders. */
  'news.theBot': 'The bot',
  'news.anEngineer': 'An engineer',
  'news.here': 'here',
  'news.inThread': 'in this thread',
  'news.claimed': '{person} is now working on {key}.',
  'news.escalated':
    '{key} was escalated to the {tier} team. They will pick it up from here; everything you told us goes with it.',
  'news.escalatedToVendor':
    '{key} was escalated to our vendor (L4). They will pick it up from here; everything you told us goes with it.',
  'news.waiting': '{person} needs something from you on {key}: {note}',
  'news.reply': 'Reply {where}.',
  'news.comment': '{person} (IT) wrote on {key}:',
  'news.resolved': '{key} is resolved: {note}',
  'news.resolvedNext': 'How did we do? Rate the help below, or reopen it if the problem is back.',
  'news.closed': '{key} is closed.',
  'news.vendor': '{key} is with our vendor {vendor}. We will keep you posted here.',
  'news.vendorWithCase': '{key} is with our vendor {vendor} (their case {caseRef}). We will keep you posted here.',
  'news.nudged': '{key} is still waiting for your reply: just answer {where}.',
  'news.nudgedClosing': 'Without an answer it will be closed {date} (you can reopen it).',
  'news.reopenedByYou': '{key} is reopened; the engineers have been told.',
  'news.reopened': '{person} reopened {key}.',
  'news.priority': 'IT set the priority of {key} to {priority}.',
  /** A priority as the requester chooses it (the ticket form) and is told of it. */
  'ticket.priority.P1': 'P1 - Critical: many people cannot work',
  'ticket.priority.P2': 'P2 - High: I cannot work',
  'ticket.priority.P3': 'P3 - Normal: it slows me down',
  'ticket.priority.P4': 'P4 - Low: a request or a question',
  /** Said before the conversation's language is known: while the bot starts, and after giving up on kept work. */
  starting: 'The helpdesk is just starting up: please try again in a moment.',
  givenUp:
    'Sorry, I could not handle your {what} because of a problem on my side. Please try again; if it keeps failing, tell the IT team (reference {reference}).',
  'givenUp.message': 'message',
  'givenUp.reaction': 'reaction',
  'givenUp.form': 'form',
  'givenUp.buttonPress': 'button press',
  'givenUp.request': 'request',
  /** Teams' answer to "help" (its commands are English words: ticket, mine, web). */
  'help.teams':
    'Ask me an IT question in your own words. **ticket** opens a ticket form, **mine** lists your tickets, **web** sends a sign-in link to the web view; mention me in a channel to ask there.',
  apology:
    'Sorry, something went wrong on my side and I could not do that (reference {reference}). Please try again in a minute.',
  /** A ticket's other fields as the requester sees them (the local chat's ticket line). */
  'ticket.field.tier': 'Tier',
  'ticket.field.category': 'Category',
  /** A person's own tickets (Slack's /helpdesk mine and App Home, Teams' mine, the terminal's /mine). */
  'ticket.mine': 'My tickets',
  'ticket.noneYet': 'You have no tickets.',
  'ticket.onlyYours': 'You can only do that on your own tickets.',
  /** What the requester is told after a button on their own ticket. */
  'ticket.rated': 'Thanks for rating {key} {score}/5.',
  'ticket.ratingStale': 'That rating button is not valid any more.',
  'ticket.commented': 'Your comment was added to {key}.',
  /** A requester's own button refused: their ticket is not in a state for it, or a comment is empty. */
  'ticket.notNow': '{key} is {status} now, so that cannot be done.',
  'ticket.closedIsFinal': '{key} is closed, and a closed ticket stays closed: open a new one and mention {key} in it.',
  'ticket.commentEmpty': 'A comment needs some text.',
  'ticket.reopenButton': 'Still broken: reopen',
  /** Slack's placeholder while a form's ticket opens ({person}: a mention the chat makes; {subject}: escaped). */
  'ticket.opening': 'Opening a ticket: {subject}',
  'ticket.openingFor': 'Opening a ticket for {person}…',
  'ticket.notFromMessage': 'I can only open tickets from messages people wrote.',
  /** The ticket form (Slack's modal, Teams' card): its title, fields, examples and buttons. */
  'form.title': 'Open a ticket',
  'form.submit': 'Open ticket',
  'form.cancel': 'Cancel',
  'form.subject': 'Subject',
  'form.subjectExample': 'e.g. VPN drops every 10 minutes',
  'form.description': 'What happened?',
  'form.descriptionExample': 'What you tried, what you saw, error messages',
  'form.priority': 'Priority',
  'form.category': 'Category',
  'form.outOfDate': 'This form is out of date or was opened by someone else; close it and open a new one.',
  'form.actionOutOfDate': 'This form is out of date; close it and press the button again.',
  /** A requester's forms on their own ticket: a comment, and what is still wrong when they reopen it. */
  'form.comment': 'Comment',
  'form.commentTitle': 'Comment on {key}',
  'form.commentLabel': 'Your comment',
  'form.send': 'Send',
  'form.reopen': 'Reopen',
  'form.reopenTitle': 'Reopen {key}',
  'form.reopenLabel': 'What is still wrong?',
  /** Slack's /helpdesk help ({command}: /helpdesk; ticket, mine and web are its words) and App Home. */
  'help.slack':
    '*{command} <your question>*: I answer in our direct messages.\n*{command}* or *{command} ticket*: open a ticket with a form.\n*{command} mine*: your tickets.\n*{command} web*: a sign-in link to the web view.\nYou can also DM me, mention me in a channel, or react with :ticket: to a message to open a ticket from it.',
  'slack.answerInDm': "I'll answer in our direct messages.",
  'slack.youAsked': 'You asked: {question}',
  'home.title': 'IT help',
  'home.intro': 'Ask me anything in the *Messages* tab, mention me in a channel, or use `/helpdesk`.',
  /** The web view's sign-in link, as a chat's web command answers it ({what}: one of web.what.*). */
  'web.off': 'The web view is not set up here: an operator sets WEB_SECRET to turn it on.',
  'web.link':
    'Your sign-in link to the helpdesk web view ({what}). It works once, within {minutes} minutes; do not share it.',
  'web.what.own': 'your tickets',
  'web.what.queue': 'the queue and every ticket',
  'web.what.queueAndReports': 'the queue, every ticket and the reports',
  'web.what.lead': 'the reports, the queue, every ticket and the exports',
  'web.open': 'Open the helpdesk web view',
  'web.personalOnly':
    'Ask me for **web** in our personal chat: a sign-in link must not be posted where others can click it.',
  /** The local chat (a terminal): its banner, its commands and its own replies. */
  'local.banner': 'IT help bot, local chat. You are {name} (employee). Type /help for commands, /quit to leave.',
  'local.help':
    'Type a question as an employee would. Type the number of a choice to press it.\nCommands:\n  /as engineer [name]          act as an engineer\n  /as employee [name]          back to employee\n  /mine                        your tickets\n  /show KEY                    a ticket and its history\n  /queue                       open tickets (engineer)\n  /web                         a sign-in link to the web view\n  /claim KEY                   claim a ticket\n  /escalate KEY [L3|L4] reason escalate a ticket\n  /assign KEY name             give an unclaimed ticket to an engineer\n  /priority KEY P1-P4 [reason] change the priority (the SLA due times follow)\n  /category KEY name [reason]  change the category (/category KEY lists them)\n  /wait KEY note               wait for the requester\n  /resolve KEY how             resolve it, saying how it was fixed\n  /close KEY [reason]          close\n  /reopen KEY reason           reopen\n  /help                        this help\n  /quit                        leave',
  'local.noChoice': 'There is no choice {number}: type a number from 1 to {count}, or ask a question.',
  'local.nowEmployee': 'You are now {name} (employee).',
  'local.nowEngineer': 'You are now {name} (engineer).',
  'local.asUsage': 'Usage: /as engineer [name] or /as employee [name]',
  'local.unknownCommand': 'Unknown command {command}. Type /help for the list.',
} as const;
