import type { Catalogue } from './catalogue.js';

/** German: "Sie", as the bundled German articles. */
export const de: Catalogue = {
  intro:
    'Hallo! Ich bin der IT-Helpdesk-Bot. Stellen Sie Ihre IT-Frage einfach in eigenen Worten, zum Beispiel *Passwort vergessen* oder *VPN verbindet nicht*. Wenn ich nicht weiterhelfen kann, eröffne ich ein Ticket für jemanden aus dem IT-Team.',
  tooLong:
    'Diese Nachricht ist mir zu lang ({length} Zeichen; ich lese bis zu {max}). Bitte fassen Sie Ihre Frage in ein, zwei Sätzen.',
  thanks: 'Gern geschehen! Fragen Sie jederzeit wieder.',
  'answer.fullArticle': 'Ganzer Artikel: {url}',
  'answer.source': 'Quelle: {link}',
  'answer.fallbackToEnglish': 'Dazu habe ich noch keinen deutschen Artikel; hier ist, was ich auf Englisch habe.',
  'button.helpful': 'Hilfreich',
  'button.notHelpful': 'Nicht hilfreich',
  'button.talkToHuman': 'Mit einem Menschen sprechen',
  'button.stale':
    'Diese Schaltfläche ist abgelaufen oder gehört zu einem anderen Gespräch. Bitte stellen Sie Ihre Frage noch einmal.',
  'button.unknown':
    'Diese Schaltfläche kenne ich leider nicht. Vielleicht gehört sie zu einer älteren Nachricht; bitte fragen Sie mich noch einmal.',
  'script.offer': 'Schritt für Schritt (auf Englisch)',
  'script.startNow': 'Lösen wir das Schritt für Schritt: *{title}*.',
  'script.untitled': 'Anleitung',
  'script.timedOut':
    'Ihre Anleitung *{title}* wurde nach {minutes} Minuten ohne Antwort beendet. Sie können sie jederzeit neu starten.',
  'script.stopped': 'In Ordnung, ich habe die Anleitung beendet.',
  'script.stoppedByText':
    'In Ordnung, ich habe die Anleitung beendet. Fragen Sie mich etwas, oder schreiben Sie *mit einem Menschen sprechen*.',
  'script.paused': 'Ihre Anleitung *{title}* ist pausiert. Möchten Sie dort weitermachen, wo Sie aufgehört haben?',
  'script.continue': 'Weitermachen',
  'script.stop': 'Anleitung beenden',
  'script.startOver': 'Von vorn beginnen',
  'script.startingOver': 'Wir beginnen von vorn.',
  'script.typeAnswer': 'Schreiben Sie Ihre Antwort.',
  'script.answerMissing': 'Bitte schreiben Sie eine Antwort.',
  'script.answerInvalid': 'Diese Antwort scheint nicht zu passen; bitte versuchen Sie es noch einmal.',
  'script.answerOneOf': 'Bitte antworten Sie mit einem von: {choices}.',
  'script.ratePrompt': 'Wie hilfreich war diese Anleitung?',
  'script.rateThanks': 'Danke für Ihre Bewertung!',
  'suggestions.prompt': 'Ich bin nicht sicher, ob ich Sie richtig verstanden habe. Meinten Sie eines davon?',
  'suggestions.none': 'Nichts davon',
  'suggestions.noneReply':
    'In Ordnung. Versuchen Sie es mit anderen Worten, oder ich eröffne ein Ticket für jemanden aus dem IT-Team.',
  noAnswer: 'Darauf habe ich leider keine Antwort. Soll ich ein Ticket eröffnen, damit sich jemand darum kümmert?',
  'feedback.helpful': 'Prima, freut mich, dass es geholfen hat! Danke für die Rückmeldung.',
  'feedback.notHelpful':
    'Schade, dass das nicht geholfen hat. Sie können Ihre Frage anders formulieren, oder ich eröffne ein Ticket für jemanden aus dem IT-Team.',
  'ticket.opened':
    'Ich habe das Ticket {key} für Sie eröffnet. Jemand aus dem IT-Team kümmert sich darum, und Sie sehen hier jede Neuigkeit.',
  'ticket.openedFromForm':
    'Ich habe das Ticket {key} für Sie eröffnet. Jemand aus dem IT-Team kümmert sich darum, und Sie sehen jede Neuigkeit in diesem Thread; antworten Sie hier, um Details zu ergänzen.',
  'ticket.openedFromMessage':
    'Ich habe aus dieser Nachricht das Ticket {key} eröffnet. Jemand aus dem IT-Team kümmert sich darum; Neuigkeiten erscheinen in diesem Thread.',
  'ticket.alreadyOpen': 'Ihr Ticket {key} ist bereits offen ({status}). Neuigkeiten sehen Sie hier.',
  'ticket.threadHasTicket': 'Zu diesem Thread gibt es schon das Ticket {key} ({status}).',
  'ticket.messageEmpty': 'Diese Nachricht enthält keinen Text, den ich in ein Ticket schreiben könnte.',
  'ticket.field.ticket': 'Ticket',
  'ticket.field.subject': 'Betreff',
  'ticket.field.status': 'Status',
  'ticket.field.priority': 'Priorität',
  'ticket.field.with': 'Bei',
  'ticket.summary.status': 'Status {status}',
  'ticket.summary.with': 'bei {name}',
  'ticket.status.new': 'neu',
  'ticket.status.claimed': 'übernommen',
  'ticket.status.escalated': 'eskaliert',
  'ticket.status.waiting': 'wartet auf Sie',
  'ticket.status.resolved': 'gelöst',
  'ticket.status.closed': 'geschlossen',
  'ticket.status.reopened': 'wieder geöffnet',
  'ticket.relayed': 'An das IT-Team weitergegeben, das an {key} arbeitet.',
  'form.subjectMissing': 'Geben Sie dem Ticket einen kurzen Betreff.',
  'form.subjectShort': 'Bitte ein paar Wörter mehr (mindestens 5 Zeichen), z. B. „VPN bricht alle 10 Minuten ab“.',
  'form.subjectLong': 'Der Betreff darf höchstens {max} Zeichen haben; schreiben Sie den Rest in die Beschreibung.',
  'form.descriptionMissing': 'Beschreiben Sie das Problem.',
  'form.descriptionShort':
    'Beschreiben Sie das Problem in ein, zwei Sätzen: was Sie versucht und was Sie gesehen haben.',
  'form.descriptionLong': 'Die Beschreibung darf höchstens {max} Zeichen haben.',
  'form.priorityMissing': 'Wählen Sie eine Priorität.',
  'form.categoryMissing': 'Wählen Sie eine Kategorie.',
  'form.categoryUnknown': 'Wählen Sie eine der aufgeführten Kategorien.',
  'ticket.formErrors': 'Bitte korrigieren Sie die markierten Felder.',
  'news.theBot': 'Der Bot',
  'news.anEngineer': 'Jemand aus dem IT-Team',
  'news.here': 'hier',
  'news.inThread': 'in diesem Thread',
  'news.claimed': '{person} arbeitet jetzt an {key}.',
  'news.escalated':
    '{key} wurde an das {tier}-Team weitergegeben. Es übernimmt ab hier; alles, was Sie uns gesagt haben, geht mit.',
  'news.escalatedToVendor':
    '{key} wurde an unseren Dienstleister (L4) weitergegeben. Er übernimmt ab hier; alles, was Sie uns gesagt haben, geht mit.',
  'news.waiting': '{person} braucht etwas von Ihnen zu {key}: {note}',
  'news.reply': 'Antworten Sie {where}.',
  'news.comment': '{person} (IT) schreibt zu {key}:',
  'news.resolved': '{key} ist gelöst: {note}',
  'news.resolvedNext':
    'Wie war unsere Hilfe? Bewerten Sie sie unten, oder öffnen Sie das Ticket wieder, wenn das Problem zurück ist.',
  'news.closed': '{key} ist geschlossen.',
  'news.vendor': '{key} liegt bei unserem Dienstleister {vendor}. Wir halten Sie hier auf dem Laufenden.',
  'news.vendorWithCase':
    '{key} liegt bei unserem Dienstleister {vendor} (dort Vorgang {caseRef}). Wir halten Sie hier auf dem Laufenden.',
  'news.nudged': '{key} wartet noch auf Ihre Antwort: antworten Sie einfach {where}.',
  'news.nudgedClosing': 'Ohne Antwort wird es am {date} geschlossen (Sie können es wieder öffnen).',
  'news.reopenedByYou': '{key} ist wieder geöffnet; das IT-Team weiß Bescheid.',
  'news.reopened': '{person} hat {key} wieder geöffnet.',
  'news.priority': 'Die IT hat die Priorität von {key} auf {priority} gesetzt.',
  'ticket.priority.P1': 'P1 - Kritisch: viele Personen können nicht arbeiten',
  'ticket.priority.P2': 'P2 - Hoch: ich kann nicht arbeiten',
  'ticket.priority.P3': 'P3 - Normal: es bremst mich aus',
  'ticket.priority.P4': 'P4 - Niedrig: eine Anfrage oder eine Frage',
  starting: 'Der Helpdesk startet gerade: bitte versuchen Sie es gleich noch einmal.',
  givenUp:
    'Entschuldigung, Ihre Anfrage ({what}) konnte ich wegen eines Problems auf meiner Seite nicht bearbeiten. Bitte versuchen Sie es noch einmal; wenn es weiter nicht klappt, wenden Sie sich an das IT-Team (Referenz {reference}).',
  'givenUp.message': 'Nachricht',
  'givenUp.reaction': 'Reaktion',
  'givenUp.form': 'Formular',
  'givenUp.buttonPress': 'Klick auf eine Schaltfläche',
  'givenUp.request': 'Anfrage',
  'help.teams':
    'Stellen Sie mir Ihre IT-Frage in eigenen Worten. **ticket** öffnet ein Ticketformular, **mine** zeigt Ihre Tickets, **web** schickt einen Anmeldelink zur Weboberfläche; erwähnen Sie mich in einem Kanal, um dort zu fragen.',
  apology:
    'Entschuldigung, bei mir ist etwas schiefgegangen und ich konnte das nicht erledigen (Referenz {reference}). Bitte versuchen Sie es in einer Minute noch einmal.',
};
