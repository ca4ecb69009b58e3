import type { Catalogue } from './catalogue.js';

/** French: "vous", as the bundled French articles. */
export const fr: Catalogue = {
  intro:
    "Bonjour ! Je suis le bot du support informatique. Posez votre question informatique avec vos propres mots, par exemple *mot de passe oublié* ou *le VPN ne se connecte pas*. Si je ne peux pas vous aider, j'ouvre un ticket pour qu'une personne s'en occupe.",
  tooLong:
    "Ce message est trop long pour moi ({length} caractères ; je lis jusqu'à {max}). Merci de poser votre question en une ou deux phrases.",
  thanks: 'Avec plaisir ! Revenez quand vous voulez.',
  'answer.fullArticle': 'Article complet : {url}',
  'answer.source': 'Source : {link}',
  'answer.fallbackToEnglish': "Je n'ai pas encore d'article en français sur ce sujet ; voici ce que j'ai en anglais.",
  'button.helpful': 'Utile',
  'button.notHelpful': 'Pas utile',
  'button.talkToHuman': 'Parler à une personne',
  'button.stale': 'Ce bouton a expiré ou appartient à une autre conversation. Merci de reposer votre question.',
  'button.unknown':
    "Désolé, je ne connais pas ce bouton. Il vient peut-être d'un ancien message ; merci de me reposer la question.",
  'script.offer': 'Pas à pas (en anglais)',
  'script.startNow': 'Réglons cela étape par étape : *{title}*.',
  'script.untitled': 'procédure guidée',
  'script.timedOut':
    'Votre procédure guidée *{title}* a été fermée après {minutes} minutes sans réponse. Vous pouvez la relancer à tout moment.',
  'script.stopped': "D'accord, j'ai arrêté la procédure guidée.",
  'script.stoppedByText':
    "D'accord, j'ai arrêté la procédure guidée. Posez-moi une question, ou écrivez *parler à une personne*.",
  'script.paused': 'Votre procédure guidée *{title}* est en pause. Reprendre là où vous en étiez ?',
  'script.continue': 'Reprendre',
  'script.stop': 'Arrêter la procédure',
  'script.startOver': 'Recommencer',
  'script.startingOver': 'On recommence depuis le début.',
  'script.typeAnswer': 'Écrivez votre réponse.',
  'script.answerMissing': 'Merci d’écrire une réponse.',
  'script.answerInvalid': 'Cette réponse ne semble pas correcte ; merci de réessayer.',
  'script.answerOneOf': "Merci de répondre par l'une de ces options : {choices}.",
  'script.ratePrompt': 'Cette procédure guidée vous a-t-elle aidé ?',
  'script.rateThanks': 'Merci pour votre note !',
  'suggestions.prompt': "Je ne suis pas sûr d'avoir compris. Vouliez-vous dire l'un de ces sujets ?",
  'suggestions.none': 'Aucun de ceux-là',
  'suggestions.noneReply':
    "D'accord. Essayez de reformuler, ou je peux ouvrir un ticket pour qu'une personne s'en occupe.",
  noAnswer: "Je n'ai pas de réponse à cela. Voulez-vous que j'ouvre un ticket pour qu'une personne vous aide ?",
  'feedback.helpful': 'Super, content que ça ait aidé ! Merci pour votre retour.',
  'feedback.notHelpful':
    "Désolé que ça n'ait pas aidé. Vous pouvez reformuler votre question, ou je peux ouvrir un ticket pour qu'une personne s'en occupe.",
  'ticket.opened':
    "J'ai ouvert le ticket {key} pour vous. Un technicien va le prendre en charge, et vous verrez ici chaque mise à jour.",
  'ticket.openedFromForm':
    "J'ai ouvert le ticket {key} pour vous. Un technicien va le prendre en charge, et vous verrez chaque mise à jour dans ce fil ; répondez ici pour ajouter des détails.",
  'ticket.openedFromMessage':
    "J'ai ouvert le ticket {key} à partir de ce message. Un technicien va le prendre en charge ; les mises à jour apparaîtront dans ce fil.",
  'ticket.alreadyOpen': 'Votre ticket {key} est déjà ouvert ({status}). Vous verrez les mises à jour ici.',
  'ticket.threadHasTicket': 'Ce fil a déjà le ticket {key} ({status}).',
  'ticket.messageEmpty': 'Ce message ne contient pas de texte que je puisse mettre dans un ticket.',
  'ticket.field.ticket': 'Ticket',
  'ticket.field.subject': 'Objet',
  'ticket.field.status': 'État',
  'ticket.field.priority': 'Priorité',
  'ticket.field.with': 'Pris en charge par',
  'ticket.summary.status': 'état {status}',
  'ticket.summary.with': 'pris en charge par {name}',
  'ticket.status.new': 'nouveau',
  'ticket.status.claimed': 'pris en charge',
  'ticket.status.escalated': 'escaladé',
  'ticket.status.waiting': 'en attente de votre réponse',
  'ticket.status.resolved': 'résolu',
  'ticket.status.closed': 'clos',
  'ticket.status.reopened': 'rouvert',
  'ticket.relayed': "Transmis à l'équipe qui traite le ticket {key}.",
  'ticket.formErrors': 'Merci de corriger les champs signalés.',
  'news.theBot': 'Le bot',
  'news.anEngineer': "Quelqu'un de l'équipe IT",
  'news.here': 'ici',
  'news.inThread': 'dans ce fil',
  'news.claimed': "{person} s'occupe maintenant de {key}.",
  'news.escalated':
    "{key} a été transmis à l'équipe {tier}. Elle prend le relais ; tout ce que vous nous avez dit lui est transmis.",
  'news.escalatedToVendor':
    '{key} a été transmis à notre prestataire (L4). Il prend le relais ; tout ce que vous nous avez dit lui est transmis.',
  'news.waiting': "{person} a besoin d'une information de votre part sur {key} : {note}",
  'news.reply': 'Répondez {where}.',
  'news.comment': '{person} (IT) a écrit sur {key} :',
  'news.resolved': '{key} est résolu : {note}',
  'news.resolvedNext':
    'Comment avons-nous fait ? Notez notre aide ci-dessous, ou rouvrez le ticket si le problème revient.',
  'news.closed': '{key} est fermé.',
  'news.vendor': '{key} est chez notre prestataire {vendor}. Nous vous tiendrons au courant ici.',
  'news.vendorWithCase':
    '{key} est chez notre prestataire {vendor} (leur dossier {caseRef}). Nous vous tiendrons au courant ici.',
  'news.nudged': '{key} attend toujours votre réponse : répondez simplement {where}.',
  'news.nudgedClosing': 'Sans réponse, il sera fermé le {date} (vous pourrez le rouvrir).',
  'news.reopenedByYou': "{key} est rouvert ; l'équipe IT est prévenue.",
  'news.reopened': '{person} a rouvert {key}.',
  'news.priority': "L'IT a mis la priorité de {key} à {priority}.",
  'ticket.priority.P1': 'P1 - Critique : beaucoup de personnes ne peuvent pas travailler',
  'ticket.priority.P2': 'P2 - Haute : je ne peux pas travailler',
  'ticket.priority.P3': 'P3 - Normale : cela me ralentit',
  'ticket.priority.P4': 'P4 - Basse : une demande ou une question',
  apology:
    "Désolé, un problème de mon côté m'a empêché de le faire (référence {reference}). Merci de réessayer dans une minute.",
};
