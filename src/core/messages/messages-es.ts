import type { Catalogue } from './catalogue.js';

/**
 * Spanish ("usted"). The knowledge base has no Spanish articles yet: a Spanish question is answered
 * from English with answer.fallbackToEnglish, but the bot's own words are Spanish.
 */
export const es: Catalogue = {
  intro:
    'Hola, soy el bot de soporte informático. Escriba su pregunta de informática con sus propias palabras, por ejemplo *olvidé mi contraseña* o *la VPN no conecta*. Si no puedo ayudarle, abro un ticket para que una persona se encargue.',
  tooLong:
    'Este mensaje es demasiado largo para mí ({length} caracteres; leo hasta {max}). Por favor, haga su pregunta en una o dos frases.',
  thanks: '¡De nada! Pregúnteme cuando quiera.',
  'answer.fullArticle': 'Artículo completo: {url}',
  'answer.source': 'Fuente: {link}',
  'answer.fallbackToEnglish': 'Todavía no tengo un artículo en español sobre esto; esto es lo que tengo en inglés.',
  'button.helpful': 'Útil',
  'button.notHelpful': 'No me ayudó',
  'button.talkToHuman': 'Hablar con una persona',
  'button.stale': 'Este botón ha caducado o pertenece a otra conversación. Por favor, vuelva a hacer su pregunta.',
  'button.unknown':
    'Lo siento, no conozco este botón. Puede que sea de un mensaje antiguo; por favor, vuelva a preguntarme.',
  'script.offer': 'Paso a paso (en inglés)',
  'script.startNow': 'Resolvámoslo paso a paso: *{title}*.',
  'script.untitled': 'guía paso a paso',
  'script.timedOut':
    'Su guía *{title}* se cerró tras {minutes} minutos sin respuesta. Puede volver a empezarla cuando quiera.',
  'script.stopped': 'De acuerdo, he detenido la guía.',
  'script.stoppedByText': 'De acuerdo, he detenido la guía. Pregúnteme lo que quiera.',
  'script.paused': 'Su guía *{title}* está en pausa. ¿Quiere seguir donde lo dejó?',
  'script.continue': 'Seguir',
  'script.stop': 'Detener la guía',
  'script.startOver': 'Empezar de nuevo',
  'script.startingOver': 'Empezamos de nuevo.',
  'script.typeAnswer': 'Escriba su respuesta.',
  'script.answerMissing': 'Por favor, escriba una respuesta.',
  'script.answerInvalid': 'Esa respuesta no parece correcta; por favor, inténtelo de nuevo.',
  'script.answerOneOf': 'Por favor, responda con una de estas opciones: {choices}.',
  'script.ratePrompt': '¿Le ha ayudado esta guía?',
  'script.rateThanks': '¡Gracias por su valoración!',
  'suggestions.prompt': 'No estoy seguro de haberle entendido. ¿Se refería a alguno de estos?',
  'suggestions.none': 'Ninguno de estos',
  'suggestions.noneReply':
    'De acuerdo. Pruebe con otras palabras, o puedo abrir un ticket para que una persona le ayude.',
  noAnswer: 'No tengo respuesta para eso. ¿Quiere que abra un ticket para que una persona le ayude?',
  'feedback.helpful': '¡Genial, me alegra que le haya servido! Gracias por decírmelo.',
  'feedback.notHelpful':
    'Siento que no le haya servido. Puede reformular su pregunta, o puedo abrir un ticket para que una persona le ayude.',
  'ticket.opened': 'He abierto el ticket {key} para usted. Un técnico se encargará de él, y aquí verá cada novedad.',
  'ticket.openedFromForm':
    'He abierto el ticket {key} para usted. Un técnico se encargará de él, y verá cada novedad en este hilo; responda aquí para añadir detalles.',
  'ticket.openedFromMessage':
    'He abierto el ticket {key} a partir de este mensaje. Un técnico se encargará de él; las novedades aparecerán en este hilo.',
  'ticket.alreadyOpen': 'Su ticket {key} ya está abierto ({status}). Aquí verá las novedades.',
  'ticket.threadHasTicket': 'Este hilo ya tiene el ticket {key} ({status}).',
  'ticket.messageEmpty': 'Este mensaje no tiene texto que pueda poner en un ticket.',
  'ticket.field.ticket': 'Ticket',
  'ticket.field.subject': 'Asunto',
  'ticket.field.status': 'Estado',
  'ticket.field.priority': 'Prioridad',
  'ticket.field.with': 'Asignado a',
  'ticket.summary.status': 'estado {status}',
  'ticket.summary.with': 'asignado a {name}',
  'ticket.status.new': 'nuevo',
  'ticket.status.claimed': 'asignado',
  'ticket.status.escalated': 'escalado',
  'ticket.status.waiting': 'esperando su respuesta',
  'ticket.status.resolved': 'resuelto',
  'ticket.status.closed': 'cerrado',
  'ticket.status.reopened': 'reabierto',
  'ticket.relayed': 'Enviado al equipo que trabaja en el ticket {key}.',
  'ticket.formErrors': 'Por favor, corrija los campos marcados.',
  'news.theBot': 'El bot',
  'news.anEngineer': 'Alguien del equipo de IT',
  'news.here': 'aquí',
  'news.inThread': 'en este hilo',
  'news.claimed': '{person} ya está trabajando en {key}.',
  'news.escalated':
    '{key} se ha pasado al equipo {tier}. Se encargarán a partir de ahora; todo lo que nos contó va con él.',
  'news.escalatedToVendor':
    '{key} se ha pasado a nuestro proveedor (L4). Se encargará a partir de ahora; todo lo que nos contó va con él.',
  'news.waiting': '{person} necesita algo de usted sobre {key}: {note}',
  'news.reply': 'Responda {where}.',
  'news.comment': '{person} (IT) escribió en {key}:',
  'news.resolved': '{key} está resuelto: {note}',
  'news.resolvedNext': '¿Qué tal lo hicimos? Valore la ayuda abajo, o reabra el ticket si el problema vuelve.',
  'news.closed': '{key} está cerrado.',
  'news.vendor': '{key} está con nuestro proveedor {vendor}. Le mantendremos informado aquí.',
  'news.vendorWithCase':
    '{key} está con nuestro proveedor {vendor} (su caso {caseRef}). Le mantendremos informado aquí.',
  'news.nudged': '{key} sigue esperando su respuesta: simplemente responda {where}.',
  'news.nudgedClosing': 'Sin respuesta se cerrará el {date} (puede reabrirlo).',
  'news.reopenedByYou': '{key} se ha reabierto; el equipo de IT ya lo sabe.',
  'news.reopened': '{person} reabrió {key}.',
  'news.priority': 'IT ha puesto la prioridad de {key} en {priority}.',
  'ticket.priority.P1': 'P1 - Crítica: mucha gente no puede trabajar',
  'ticket.priority.P2': 'P2 - Alta: no puedo trabajar',
  'ticket.priority.P3': 'P3 - Normal: me retrasa',
  'ticket.priority.P4': 'P4 - Baja: una petición o una pregunta',
  apology:
    'Lo siento, algo ha fallado por mi parte y no he podido hacerlo (referencia {reference}). Por favor, inténtelo de nuevo en un minuto.',
};
