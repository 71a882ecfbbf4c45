/* test_intent: self-harm, danger-now and plea detection (intent.c) with the
 * shipped phrase data; then the held-out set
 * tests/fixtures/questions-danger.tsv: the detector must say "danger"
 * exactly on its !danger lines; the safety probes line by line; with
 * SAFETY_BLIND set, questions-safety-blind.tsv as totals only. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intent.h"
#include "lang.h"
#include "phrases.h"
#include "tap.h"
#include "util.h"

static const struct {
	const char	*text;
	int		 danger;
	int		 plea;
	int		 self;
} cases[] = {
	{ "I'm being followed", 1, 0, 0 },
	{ "they are at my door", 1, 0, 0 },
	{ "they are arresting my brother right now", 1, 0, 0 },
	{ "Je suis suivie", 1, 0, 0 },
	{ "la police est devant chez moi", 1, 0, 0 },
	{ "Me están siguiendo", 1, 0, 0 },
	{ "se llevaron a mi hermano hace una hora", 1, 0, 0 },
	{ "what should I do if I get arrested someday?", 0, 0, 0 },
	{ "que faire si je suis suivie un jour ?", 0, 0, 0 },
	{ "¿qué hago si me siguen algún día?", 0, 0, 0 },
	{ "my friend was arrested last year, what about her accounts", 0, 0, 0 },
	{ "how do I verify a fingerprint", 0, 0, 0 },
	{ "hello, I need help", 0, 1, 0 },
	{ "Hi! Can you help me please?", 0, 1, 0 },
	{ "bonjour, j'ai besoin d'aide", 0, 1, 0 },
	{ "necesito ayuda", 0, 1, 0 },
	{ "hello, I need help with my hacked account", 0, 0, 0 },
	{ "they know where i live and they said they will come tonight", 1, 0, 0 },
	{ "I'm going to be arrested", 1, 0, 0 },
	{ "they are coming", 1, 0, 0 },
	{ "armed men came to my house last night", 1, 0, 0 },
	{ "soldiers raided our office", 1, 0, 0 },
	{ "they raided my house", 1, 0, 0 },
	{ "I'm scared for my life", 1, 0, 0 },
	{ "i was beaten by police and they took my phone", 1, 0, 0 },
	{ "they beat me", 1, 0, 0 },
	{ "je vais être arrêté demain", 0, 0, 0 },
	{ "j'ai peur pour ma vie", 1, 0, 0 },
	{ "des hommes armés sont devant la maison", 1, 0, 0 },
	{ "au secours", 0, 1, 0 },
	{ "me van a detener", 1, 0, 0 },
	{ "tengo miedo por mi vida", 1, 0, 0 },
	{ "allanaron la oficina anoche", 1, 0, 0 },
	{ "socorro", 0, 1, 0 },
	{ "they raided my house last year", 0, 0, 0 },
	{ "what should I do if I'm going to be arrested", 0, 0, 0 },
	{ "que faire si je vais être arrêté", 0, 0, 0 },
	{ "qué hago si me van a detener", 0, 0, 0 },
	{ "help me please", 0, 1, 0 },
	/* Someone who knows where the person lives, alone (s12-ux2). */
	{ "they know where I live", 1, 0, 0 },
	{ "ils savent où j'habite", 1, 0, 0 },
	{ "saben dónde vivo", 1, 0, 0 },
	/* A qualifier ("online", "last year") cancels only the danger
	 * words of its own clause (s12-ux2). */
	{ "someone is following me and harassing me online", 1, 0, 0 },
	{ "someone is following me online", 0, 0, 0 },
	{ "they are following me on twitter, and I think they know where "
	    "I live", 1, 0, 0 },
	{ "they raided my house last year", 0, 0, 0 },
	{ "they raided my house last year, and now they are coming", 1, 0, 0 },
	{ "on me suit en ligne", 0, 0, 0 },
	{ "on me suit et on m'insulte en ligne", 1, 0, 0 },
	{ "alguien me sigue en twitter", 0, 0, 0 },
	{ "alguien me sigue y me acosan en linea", 1, 0, 0 },
	/* ...in the text's language: Spanish "y" cuts no French "il y a". */
	{ "ils m'ont frappé il y a des mois", 0, 0, 0 },
	/* A hypothesis still covers the whole message. */
	{ "what if they know where I live, and come", 0, 0, 0 },
	{ "I want to kill myself", 0, 0, 1 },
	{ "my friend is suicidal", 0, 0, 1 },
	{ "je veux mourir", 0, 0, 1 },
	{ "J'ai envie de me suicider", 0, 0, 1 },
	{ "quiero morir", 0, 0, 1 },
	{ "me quiero matar", 0, 0, 1 },
	{ "I don't want to die, but I keep thinking of killing myself",
	    0, 0, 1 },
	{ "I don't want to die", 0, 0, 0 },
	{ "I don't want to live anymore", 0, 0, 1 },
	{ "I don't want to live in fear, how do I lock my phone", 0, 0, 0 },
	{ "je ne veux plus vivre dans la peur", 0, 0, 0 },
	{ "no quiero vivir con miedo", 0, 0, 0 },
	{ "ya no quiero vivir", 0, 0, 1 },
	{ "no quiero morir", 0, 0, 0 },
	{ "me quieren matar", 1, 0, 0 },
	{ "they are going to kill me", 1, 0, 0 },
	{ "kill the process", 0, 0, 0 },
	{ "this app is killing my battery", 0, 0, 0 },
	{ "je meurs de rire", 0, 0, 0 },
	{ "me muero de risa", 0, 0, 0 },
	{ "dead battery", 0, 0, 0 },
	/* A tester's misses of 2026-12-07 (s12-safe). */
	{ "je pense au suicide", 0, 0, 1 },
	{ "je veux en finir", 0, 0, 1 },
	{ "pienso en el suicidio", 0, 0, 1 },
	{ "quiero acabar con todo", 0, 0, 1 },
	{ "i feel like giving up on everything", 0, 0, 1 },
	{ "sometimes i think everyone would be better off without me",
	    0, 0, 1 },
	{ "i want to disappear", 0, 0, 1 },
	{ "kill myself lol this wifi is so slow", 0, 0, 1 },
	{ "police knocking on the door", 1, 0, 0 },
	{ "the police are searching my apartment", 1, 0, 0 },
	{ "someone is standing outside my flat", 1, 0, 0 },
	{ "a man has been following me all week", 1, 0, 0 },
	{ "theres a car following me every day since the protest", 1, 0, 0 },
	{ "they are watching my house", 1, 0, 0 },
	{ "they have a warrant", 1, 0, 0 },
	{ "i'm scared they'll kill me", 1, 0, 0 },
	{ "he threatened to hurt my kids", 1, 0, 0 },
	/* Words those share with ordinary questions. */
	{ "i want to disappear from google", 0, 0, 0 },
	{ "quiero desaparecer de internet", 0, 0, 0 },
	{ "je veux en finir avec les spams", 0, 0, 0 },
	{ "quiero acabar con el spam", 0, 0, 0 },
	{ "someone is trying to get into my account", 0, 0, 0 },
	{ "están dentro de mi cuenta", 0, 0, 0 },
	{ "ils surveillent mon téléphone ?", 0, 0, 0 },
	{ "a court issued a warrant to take down our website", 0, 0, 0 },
	{ "my phone can't go on the wifi", 0, 0, 0 },
	/* A scene: someone, doing something, at the person's place. */
	{ "the police have surrounded the house", 1, 0, 0 },
	{ "two guys in a van parked across from my building all day", 1, 0,
	    0 },
	{ "des policiers encerclent l'immeuble", 1, 0, 0 },
	{ "unos tipos estan vigilando mi casa desde la esquina", 1, 0, 0 },
	{ "can police see my location when i am in front of the office", 0, 0, 0 },
	{ "can they see my screen if i'm waiting in the office", 0, 0, 0 },
	{ "I don't want to stop living in fear, I want to fight back", 0, 0,
	    0 },
	/* A reviewer's findings on main 1d65719 (s12-fixs). Exceptions
	 * name their objects: these are self-harm... */
	{ "I want to disappear off the face of the earth", 0, 0, 1 },
	{ "i just want to disappear from everyone forever", 0, 0, 1 },
	{ "je veux en finir avec cette vie", 0, 0, 1 },
	{ "je veux disparaître de ce monde", 0, 0, 1 },
	{ "quiero desaparecer de este mundo", 0, 0, 1 },
	/* ...these are not. */
	{ "how do i disappear from social media", 0, 0, 0 },
	{ "je veux disparaître des réseaux sociaux", 0, 0, 0 },
	{ "quiero desaparecer de las redes", 0, 0, 0 },
	{ "comment disparaitre d'internet", 0, 0, 0 },
	{ "je veux en finir avec ce harcèlement", 0, 0, 0 },
	/* A qualifier cancels only danger words next to it, never a place
	 * now. */
	{ "the police are at my door because of what i posted on facebook",
	    1, 0, 0 },
	{ "the man who attacked me months ago is outside my house", 1, 0, 0 },
	{ "someone is following me home after they found me online", 1, 0,
	    0 },
	{ "la police est devant chez moi à cause de mes posts sur facebook",
	    1, 0, 0 },
	{ "they know where I live because they found my address online", 1,
	    0, 0 },
	{ "hay alguien en mi puerta por lo que publiqué en twitter", 1, 0,
	    0 },
	/* Guide questions, and a threat by others (danger, not self-harm). */
	{ "how do I end things with my abusive partner safely", 0, 0, 0 },
	{ "how can I keep living in my flat safely", 0, 0, 0 },
	{ "they threatened to take my life", 1, 0, 0 },
	{ "he wants to take my life", 1, 0, 0 },
	{ "I want to end things", 0, 0, 1 },
	{ "I can't keep living like this", 0, 0, 1 },
	/* A tester's misses of 2026-12-07 (s13-safe2): followed, still
	 * going on (since, every night), someone coming, a partner who
	 * hits. */
	{ "me sigue un coche", 1, 0, 0 },
	{ "estoy siendo seguida", 1, 0, 0 },
	{ "me siguen desde hace dias", 1, 0, 0 },
	{ "van a venir a buscarme", 1, 0, 0 },
	{ "je me sens suivie dans la rue depuis trois jours", 1, 0, 0 },
	{ "a man waits every night at the corner of my street", 1, 0, 0 },
	{ "i am followed by a man since yesterday", 1, 0, 0 },
	{ "my husband beats me and checks my phone", 1, 0, 0 },
	{ "mi pareja me golpea y revisa mi celular", 1, 0, 0 },
	{ "il me suit partout depuis la manif", 1, 0, 0 },
	{ "mon mari me frappe", 1, 0, 0 },
	{ "they will come for me tonight", 1, 0, 0 },
	/* ...and what shares their words. */
	{ "me siguen llegando correos raros desde hace dias", 0, 0, 0 },
	{ "alguien me sigue en instagram desde hace dias", 0, 0, 0 },
	{ "he hits me up every day on whatsapp", 0, 0, 0 },
	{ "beats me why my phone is so slow since the update", 0, 0, 0 },
	{ "est-ce qu'il me suit avec mon téléphone ?", 0, 0, 0 },
	{ "how do i stop people following me on instagram", 0, 0, 0 },
	{ "que faire si on me suit depuis des jours", 0, 0, 0 },
	{ "what if my ex follows me home", 0, 0, 0 },
	{ "a man followed me home last year, can he find my address online",
	    0, 0, 0 },
	{ "mon ex a eu mon telephone, je crois quil me suit", 0, 0, 0 },
	{ "ce qui me frappe c'est qu'il sait tout", 0, 0, 0 },
	/* s13-fixd: a death threat received and being held now, in fr and
	 * es as in en; a game lost is no beating. */
	{ "on m'a menacé de mort par téléphone si je publie mon enquête", 1,
	    0, 0 },
	{ "il a dit qu'il allait me tuer", 1, 0, 0 },
	{ "estoy detenido, quieren la clave de mi telefono", 1, 0, 0 },
	{ "me amenazaron de muerte si publico la nota", 1, 0, 0 },
	{ "je suis en garde à vue, ils veulent mon code", 1, 0, 0 },
	{ "they said they will kill me if they find me", 1, 0, 0 },
	{ "my husband beats me at chess every night lol, anyway can i also "
	    "ask about signal", 0, 0, 0 },
	{ "il me bat aux échecs tous les soirs", 0, 0, 0 },
	{ "mi novio me gana al ajedrez todos los dias", 0, 0, 0 },
	{ "my brother beats me in every match since we were kids", 0, 0, 0 },
	{ "my husband beats me at night and checks my phone", 1, 0, 0 },
	{ "que faire si je reçois des menaces de mort", 0, 0, 0 },
	{ "si me detienen en el aeropuerto que hago", 0, 0, 0 },
	/* A reviewer's findings (s13-fixs): danger_not phrases counted
	 * only where they read as something done, and name a channel;
	 * before, they were blanked from the whole message first. */
	{ "someone is following me with a knife", 1, 0, 0 },
	{ "someone is following me with their car", 1, 0, 0 },
	{ "a car is following me with no plates", 1, 0, 0 },
	{ "they are following me through the market right now", 1, 0, 0 },
	{ "someone is following me through the city, what do i do", 1, 0, 0 },
	{ "un homme me suit avec une voiture depuis ce matin", 1, 0, 0 },
	{ "alguien me sigue con el carro desde hace una hora", 1, 0, 0 },
	{ "un hombre me sigue llamando y vino a mi casa, está afuera", 1, 0,
	    0 },
	{ "my husband hits me hard every night", 1, 0, 0 },
	/* ...and the channels they still hold. */
	{ "he is following me on snapchat every day", 0, 0, 0 },
	{ "il me suit sur l'application depuis des semaines", 0, 0, 0 },
	{ "mi ex me sigue por gps desde hace dias", 0, 0, 0 },
	{ "un tipo me sigue llamando por teléfono desde ayer", 0, 0, 0 },
	{ "mi ex me sigue con mi ubicación todo el tiempo", 0, 0, 0 },
	{ "he is following me with an app every day", 0, 0, 0 },
	{ "it hits me hard every night when i read the threats", 0, 0, 0 },
	/* "I need you" is a plea, not a question about the bot. */
	{ "i need you", 0, 1, 0 },
	{ "j'ai besoin de vous", 0, 1, 0 },
	{ "te necesito", 0, 1, 0 },
	/* A tester's misses (s13-fixq1): held oneself, threats to kill or
	 * rape, happening now, self-harm tonight; a bare SOS is a plea
	 * (s16-fixs2). */
	{ "I've been arrested", 1, 0, 0 },
	{ "I am in police custody, they want my phone password", 1, 0, 0 },
	{ "la police m'a arrêté", 1, 0, 0 },
	{ "they took me to the police station", 1, 0, 0 },
	{ "me retienen en la comisaría", 1, 0, 0 },
	{ "me tienen retenido ahora mismo", 1, 0, 0 },
	{ "je suis retenu par la police", 1, 0, 0 },
	{ "je viens d'être arrêté", 1, 0, 0 },
	{ "estoy en la comisaría y me piden la contraseña", 1, 0, 0 },
	{ "me amenazaron con matarme", 1, 0, 0 },
	{ "mi ex amenaza con matarme", 1, 0, 0 },
	{ "me amenazan con matar a mi familia", 1, 0, 0 },
	{ "ils menacent de tuer mes enfants", 1, 0, 0 },
	{ "they will rape me", 1, 0, 0 },
	{ "they said they will rape me", 1, 0, 0 },
	{ "amenazan con violarme", 1, 0, 0 },
	{ "il menace de me violer", 1, 0, 0 },
	{ "someone is trying to break into my house right now", 1, 0, 0 },
	{ "someone is breaking in", 1, 0, 0 },
	{ "they shot at our office", 1, 0, 0 },
	{ "je me sens en danger", 1, 0, 0 },
	{ "SOS", 1, 0, 0 },
	{ "sos!!! help me", 1, 0, 0 },
	{ "vos sos mi amigo, ayudame con whatsapp", 0, 0, 0 },
	{ "I'm going to end it tonight", 0, 0, 1 },
	{ "je vais en finir ce soir", 0, 0, 1 },
	{ "voy a terminar con todo esta noche", 0, 0, 1 },
	/* A now mark in another clause keeps no past event alive. */
	{ "the police came to my house last year and took my computer, now "
	    "i got it back, is it safe", 0, 0, 0 },
	{ "me amenazan con matarme por twitter", 0, 0, 0 },
	/* The writer's own arrest, over (s14-safe3): a past time in its
	 * clause, or a release anywhere... */
	{ "me arrestaron ayer y me quitaron el celular", 0, 0, 0 },
	{ "la police m'a arrêté hier", 0, 0, 0 },
	{ "I've been arrested but they let me go", 0, 0, 0 },
	{ "me detuvieron hace dos días", 0, 0, 0 },
	{ "me detuvieron en la marcha. ya me soltaron", 0, 0, 0 },
	/* ...not over, or held now. */
	{ "me detuvieron hace una hora", 1, 0, 0 },
	{ "estoy detenido desde ayer", 1, 0, 0 },
	{ "je suis en garde à vue depuis hier", 1, 0, 0 },
	{ "me arrestaron ayer y todavía estoy en la comisaría", 1, 0, 0 },
	{ "hoy me detuvieron, ayer me siguieron", 1, 0, 0 },
	/* A reviewer's misses (s14-fixa): a release negated, asked or
	 * wished, "out" and "free" of something else, a time after "since"
	 * or beside a mark of now. */
	{ "I've been arrested, they won't let me go", 1, 0, 0 },
	{ "I have been arrested and I don't know if I will be released",
	    1, 0, 0 },
	{ "they arrested me today, I'm not released yet", 1, 0, 0 },
	{ "I've been arrested, I'm out of battery", 1, 0, 0 },
	{ "I have been arrested, I am free to make one call", 1, 0, 0 },
	{ "I have been arrested since yesterday", 1, 0, 0 },
	{ "I've been arrested. Will they let me go?", 1, 0, 0 },
	{ "me detuvieron hoy y no me dejaron ir", 1, 0, 0 },
	{ "me detuvieron hace dos días y sigo detenido", 1, 0, 0 },
	{ "me detuvieron desde ayer", 1, 0, 0 },
	{ "la police m'a arrêté, ils ne m'ont pas relâché", 1, 0, 0 },
	{ "la police m'a arrêté et ils ne veulent pas me libérer", 1, 0, 0 },
	{ "la police m'a arrêté depuis hier", 1, 0, 0 },
	{ "la police m'a arrêté il y a deux jours et je suis toujours au "
	    "poste", 1, 0, 0 },
	{ "ils m'ont arrêté aujourd'hui, pas encore relâché", 1, 0, 0 },
	/* ...and a release told, or a time past, stays over. */
	{ "I was arrested yesterday, they let me go last night", 0, 0, 0 },
	{ "I was arrested last week, I'm out of jail now", 0, 0, 0 },
	{ "j'ai été arrêté hier, ils m'ont relâché ce soir", 0, 0, 0 },
	{ "me detuvieron ayer, ya me soltaron", 0, 0, 0 },
	/* s14-fixe: still held is held now; a release by the police is an
	 * own arrest that is over. */
	{ "I am still in custody, they let me use the phone", 1, 0, 0 },
	{ "i'm still detained at the border", 1, 0, 0 },
	{ "je suis toujours en garde à vue", 1, 0, 0 },
	{ "sigo detenido", 1, 0, 0 },
	{ "sigo en la comisaría, me quitaron el celular", 1, 0, 0 },
	{ "the police released me but kept my laptop", 0, 0, 0 },
	{ "la police m'a relâchée mais a gardé mon ordinateur", 0, 0, 0 },
	{ "la policía me soltó pero se quedó con mi laptop", 0, 0, 0 },
	/* s14-fixd2: a cry with a digital subject is a plea for that
	 * subject; with a danger word, still danger; alone, a plea
	 * (s16-fixs2). */
	{ "au secours mon compte instagram est piraté", 0, 0, 0 },
	{ "socorro me hackearon el correo", 0, 0, 0 },
	{ "au secours", 0, 1, 0 },
	{ "socorro!!", 0, 1, 0 },
	{ "au secours ils sont devant ma porte", 1, 0, 0 },
	{ "socorro, me están siguiendo y me hackearon el celular", 1, 0, 0 },
	/* ...and a self-correction to an ordinary subject is no self-harm;
	 * "I mean it" still is. */
	{ "how do I end it all — I mean delete all my accounts at once", 0,
	    0, 0 },
	{ "comment en finir, je veux dire supprimer tous mes comptes", 0, 0,
	    0 },
	{ "I want to kill myself, I mean it", 0, 0, 1 },
	{ "I want to end it all. I mean, my accounts are hacked too", 0, 0,
	    1 },
	{ "me quiero morir, me hackearon todo", 0, 0, 1 },
	/* s15-fixs: a tester's danger wordings missed in one language and
	 * found in another, with their twins in the other two: someone at
	 * the door, followed home, come to arrest the writer, a raid, a
	 * partner who gets violent or will find them. */
	{ "they are at the door right now", 1, 0, 0 },
	{ "ils sont à la porte", 1, 0, 0 },
	{ "están en la puerta", 1, 0, 0 },
	{ "ils m'ont suivi jusque chez moi", 1, 0, 0 },
	{ "me siguieron hasta mi casa", 1, 0, 0 },
	{ "they followed me to my house", 1, 0, 0 },
	{ "they came to arrest me", 1, 0, 0 },
	{ "ils sont venus m'arrêter", 1, 0, 0 },
	{ "vinieron a buscarme", 1, 0, 0 },
	{ "ils ont débarqué au bureau ce matin", 1, 0, 0 },
	{ "they stormed our office this morning", 1, 0, 0 },
	{ "irrumpieron en la oficina esta mañana", 1, 0, 0 },
	{ "he gets violent when he finds out", 1, 0, 0 },
	{ "il devient violent quand il l'apprend", 1, 0, 0 },
	{ "se pone violento cuando se entera", 1, 0, 0 },
	{ "he said he will find me", 1, 0, 0 },
	{ "il a dit qu'il allait me retrouver", 1, 0, 0 },
	{ "dijo que me va a encontrar", 1, 0, 0 },
	/* ...and the same words in ordinary questions. */
	{ "the delivery is at the door", 0, 0, 0 },
	{ "violent videos on my feed, how to report", 0, 0, 0 },
	{ "he said he will find me a new phone", 0, 0, 0 },
	{ "mes collègues vont me retrouver au café", 0, 0, 0 },
	{ "el técnico me va a encontrar una solución", 0, 0, 0 },
	{ "ils m'ont suivi sur instagram", 0, 0, 0 },
	{ "me siguieron en twitter", 0, 0, 0 },
	{ "what if they come to arrest me", 0, 0, 0 },
	{ "mi hermano vino a buscarme al aeropuerto", 0, 0, 0 },
	/* s15-fixs: self-harm said as disappearing or "something stupid",
	 * in en/fr/es; a thing that disappeared, or a mistake made, is none. */
	{ "better if i disappeared", 0, 0, 1 },
	{ "i might do something stupid tonight", 0, 0, 1 },
	{ "vaut mieux que je disparaisse", 0, 0, 1 },
	{ "je vais faire une bêtise ce soir", 0, 0, 1 },
	{ "mejor si desaparezco", 0, 0, 1 },
	{ "voy a hacer una locura esta noche", 0, 0, 1 },
	{ "my account disappeared", 0, 0, 0 },
	{ "i did something stupid, i clicked a link", 0, 0, 0 },
	{ "mis fotos desaparecieron", 0, 0, 0 },
	{ "j'ai fait une bêtise, j'ai cliqué sur un lien", 0, 0, 0 },
	{ "mes photos ont disparu", 0, 0, 0 },
	/* s15-fixv1: leaving the internet, a stupid thing "like" a click. */
	{ "it would be better if i disappeared from the internet, how do i "
	    "delete all my accounts", 0, 0, 0 },
	{ "i'm afraid i'll do something stupid like click a phishing link",
	    0, 0, 0 },
	{ "ce serait mieux si je disparaissais d'internet, comment supprimer "
	    "mes comptes", 0, 0, 0 },
	{ "je veux disparaître d'internet", 0, 0, 0 },
	{ "j'ai peur de faire une bêtise comme cliquer sur un lien", 0, 0, 0 },
	{ "sería mejor si desapareciera de internet, cómo borro mis cuentas",
	    0, 0, 0 },
	{ "quiero desaparecer de internet", 0, 0, 0 },
	{ "tengo miedo de hacer una tontería como abrir un enlace", 0, 0, 0 },
	/* s16-fixs2: a single cry is a plea (s16-fixs3: not SOS, nor a cry
	 * said twice), with danger words danger; an
	 * arrest to come is not danger now; an ordinary visitor at the door
	 * is no danger. */
	{ "sos sos", 1, 0, 0 },
	{ "HELP ME", 0, 1, 0 },
	{ "au secours ils sont là", 1, 0, 0 },
	{ "they are going to arrest me tomorrow what do i do with my phone",
	    0, 0, 0 },
	{ "me van a detener mañana", 0, 0, 0 },
	{ "la policía vino esta mañana y está en mi puerta", 1, 0, 0 },
	{ "the police officer at my door says my car is parked wrong, do i "
	    "have to show him my phone?", 0, 0, 0 },
	{ "my neighbour is at my door", 0, 0, 0 },
	{ "mon voisin est devant ma porte", 0, 0, 0 },
	{ "mi vecino está en mi puerta", 0, 0, 0 },
	{ "my neighbour is at my door with a gun", 1, 0, 0 },
	/* s16-fixs3: an ordinary word cancels only when nothing else says
	 * danger; a bare noun (package, landlord, livreur) never does. */
	{ "a man is at my door saying he has a package but he won't leave",
	    1, 0, 0 },
	{ "a delivery man is outside my house and won't leave", 1, 0, 0 },
	{ "my landlord is at my door with two men threatening me", 1, 0, 0 },
	{ "mi vecino está en mi puerta y me amenaza", 1, 0, 0 },
	{ "un livreur est devant chez moi et refuse de partir", 1, 0, 0 },
	{ "un hombre con un paquete está en mi puerta y no se va", 1, 0, 0 },
	{ "a man with a package is at my door", 1, 0, 0 },
	/* s17-fixs4: the delivery person is an ordinary visitor again;
	 * fear, the police, "they" or a fake one beside it still say
	 * danger. */
	{ "the delivery guy is at my door", 0, 0, 0 },
	{ "le livreur est à ma porte", 0, 0, 0 },
	{ "el repartidor está en mi puerta", 0, 0, 0 },
	{ "the delivery guy is at my door and i'm scared", 1, 0, 0 },
	{ "the delivery guy is at my door with the police", 1, 0, 0 },
	{ "they are at my door with the delivery guy", 1, 0, 0 },
	{ "a fake delivery guy is at my door", 1, 0, 0 },
	{ "le livreur est devant ma porte et j'ai peur", 1, 0, 0 },
	{ "un faux livreur est devant ma porte", 1, 0, 0 },
	/* s17-fixr1: not a real one is a fake one. */
	{ "the delivery guy is at my door, he is not a real delivery guy", 1,
	    0, 0 },
	{ "the delivery guy is at my door but he is not really from the shop",
	    1, 0, 0 },
	{ "le livreur est devant ma porte, ce n'est pas un vrai livreur", 1,
	    0, 0 },
	{ "el repartidor está en mi puerta, no es un verdadero repartidor", 1,
	    0, 0 },
	{ "the delivery guy is at my door with a real package", 0, 0, 0 },
	{ "el repartidor está en mi puerta con la policía", 1, 0, 0 },
	{ "el repartidor está en mi puerta y no se va", 1, 0, 0 },
	{ "my neighbour is at my door and i'm scared", 1, 0, 0 },
	/* s16-fixs3: SOS in any form, a cry said twice or in capitals is
	 * danger; a lone lower-case cry stays a plea. */
	{ "SOS!!", 1, 0, 0 },
	{ "sos sos sos", 1, 0, 0 },
	{ "S.O.S.", 1, 0, 0 },
	{ "socorro socorro", 1, 0, 0 },
	{ "AU SECOURS", 1, 0, 0 },
	{ "au secours au secours", 1, 0, 0 },
	/* s17-fixs4: an SOS that opens a question about this desk or a
	 * digital subject is no danger now; alone, or with danger words,
	 * it is. */
	{ "SOS, how do I verify you?", 0, 0, 0 },
	{ "sos como verifico la huella", 0, 0, 0 },
	{ "SOS comment vérifier votre empreinte ?", 0, 0, 0 },
	/* s17-fixr1: a digital subject blanks the plain cry, never SOS
	 * (as before s17-fixs4); the desk's own question blanks it only
	 * alone, and who the desk is is no such question. */
	{ "S.O.S. my phone was hacked", 1, 0, 0 },
	{ "S.O.S. he has my phone and is outside", 1, 0, 0 },
	{ "s o s he is outside, he has my password", 1, 0, 0 },
	{ "SOS your fingerprint, he is outside", 1, 0, 0 },
	{ "SOS who are you", 1, 0, 0 },
	{ "SOS who are you, please help me", 1, 0, 0 },
	{ "SOS are you a real person", 1, 0, 0 },
	{ "au secours qui êtes vous", 1, 0, 0 },
	{ "socorro quien eres", 1, 0, 0 },
	{ "au secours, mon compte instagram est piraté", 0, 0, 0 },
	{ "SOS how can I verify you", 0, 0, 0 },
	{ "SOS my phone", 1, 0, 0 },
	{ "S O S my phone", 1, 0, 0 },
	{ "sos my instagram was hacked", 1, 0, 0 },
	{ "SOS il a mon téléphone et il est dehors", 1, 0, 0 },
	{ "SOS they are here", 1, 0, 0 },
	{ "SOS the police took my fingerprints", 1, 0, 0 },
	{ "SOS", 1, 0, 0 },
	{ "SOCORRO!", 1, 0, 0 },
	{ "vos sos el bot?", 0, 0, 0 },
	/* s16-fixs3: tonight is now. */
	{ "the police will come tonight to arrest me", 1, 0, 0 },
	{ "la police va venir ce soir pour m'arrêter", 1, 0, 0 },
	{ "la policía va a venir esta noche a detenerme", 1, 0, 0 },
	{ "i'm coming tonight to the training, how do i install signal", 0, 0,
	    0 },
	{ "my neighbour is knocking on my door", 1, 0, 0 },
	{ "agents de la DGSI sont là", 1, 0, 0 },
	/* s16-rev3: a lift or a visit tonight is no danger (the pairs
	 * "tonight + take me", "esta noche + llevarme / buscarme", "ce soir +
	 * me chercher" and "ils viennent ce soir" are gone). */
	{ "can you take me through 2fa tonight", 0, 0, 0 },
	{ "esta noche mi hermano puede llevarme al aeropuerto, debo apagar "
	    "el gps", 0, 0, 0 },
	{ "mi amiga va a buscarme esta noche, cómo comparto mi ubicación",
	    0, 0, 0 },
	{ "ils viennent ce soir pour la formation signal", 0, 0, 0 },
	/* s17-fixs5: harm threatened by someone else is danger, never
	 * self-harm ("hacerme daño" after "amenaza con", "quiere", "va
	 * a"; "a envie de me faire du mal"; "he threatened to end my
	 * life"); wanting to hurt the writer is danger as wanting to kill
	 * them is. The writer's own wish stays self-harm. */
	{ "alguien me acosa en linea y amenaza con hacerme dano", 1, 0, 0 },
	{ "mi ex me amenaza con hacerme daño", 1, 0, 0 },
	{ "mi ex quiere hacerme daño", 1, 0, 0 },
	{ "dijo que va a hacerme daño", 1, 0, 0 },
	{ "il menace de me faire du mal", 1, 0, 0 },
	{ "il a envie de me faire du mal", 1, 0, 0 },
	{ "he threatens to hurt me", 1, 0, 0 },
	{ "he threatened to end my life", 1, 0, 0 },
	{ "he is trying to take my life", 1, 0, 0 },
	{ "quiero hacerme daño", 0, 0, 1 },
	{ "tengo ganas de hacerme daño", 0, 0, 1 },
	{ "no quiero hacerme daño", 0, 0, 0 },
	{ "j'ai envie de me faire du mal", 0, 0, 1 },
	{ "je me fais du mal", 0, 0, 1 },
	{ "i want to hurt myself", 0, 0, 1 },
	{ "i tried to end my life last year", 0, 0, 1 },
	{ "i am trying to take my life", 1, 0, 1 },
	{ "they want to hurt me", 1, 0, 0 },
	{ "someone wants to hurt me", 1, 0, 0 },
	{ "ils veulent me faire du mal", 1, 0, 0 },
	{ "me quieren lastimar", 1, 0, 0 },
	{ "how do i know if someone wants to hurt me", 0, 0, 0 },
	/* s17-fixs5: someone else arrested earlier today is no danger now
	 * for the writer (the page on a friend's arrest); the writer's own
	 * arrest today, not released, and an arrest going on now are. */
	{ "my colleague was arrested this morning", 0, 0, 0 },
	{ "un collegue a ete arrete ce matin", 0, 0, 0 },
	{ "a mi compañero lo detuvieron esta mañana", 0, 0, 0 },
	{ "my brother was arrested today", 0, 0, 0 },
	{ "they arrested my friend an hour ago", 0, 0, 0 },
	{ "mon frère a été arrêté aujourd'hui", 0, 0, 0 },
	{ "detuvieron a mi hermano hoy", 0, 0, 0 },
	{ "they arrested me this morning and let me go", 0, 0, 0 },
	{ "I was arrested this morning", 1, 0, 0 },
	{ "ils m'ont arrêté ce matin", 1, 0, 0 },
	{ "j'ai été arrêtée ce matin", 1, 0, 0 },
	{ "they are arresting people at my office right now", 1, 0, 0 },
	{ "my colleague was arrested this morning and the police are at my "
	    "door now", 1, 0, 0 },
	/* s17-fixr2: an arrest today that names nobody else as the one
	 * arrested stays danger; someone else named beside it is not. */
	{ "got arrested today, what do i do with my phone", 1, 0, 0 },
	{ "arrested this morning", 1, 0, 0 },
	{ "arrested this morning, still at the station", 1, 0, 0 },
	{ "got arrested today, my brother is worried", 1, 0, 0 },
	{ "arrêté ce matin, qu'est-ce que je fais de mon téléphone", 1, 0,
	    0 },
	{ "detenido hoy, qué hago con mi teléfono", 1, 0, 0 },
	{ "arrested this morning, released an hour ago", 0, 0, 0 },
	{ "my husband was arrested this morning and they took his phone "
	    "with all our chats", 0, 0, 0 },
	{ "mon mari a été arrêté ce matin", 0, 0, 0 },
	{ "detuvieron a mi esposo esta mañana", 0, 0, 0 },
	{ "my colleague and I were arrested this morning", 1, 0, 0 },
	/* The same concepts in en/fr/es (s18-fixdg): a door forced, a raid
	 * now, a death threat, a threatening partner, a disappearance. */
	{ "they are breaking down the door", 1, 0, 0 },
	{ "ils ont défoncé la porte", 1, 0, 0 },
	{ "estan tirando la puerta", 1, 0, 0 },
	{ "help please they broke into the office and took computers right "
	    "now", 1, 0, 0 },
	{ "des policiers perquisitionnent le bureau en ce moment", 1, 0, 0 },
	{ "están registrando la oficina ahora", 1, 0, 0 },
	{ "me acaban de amenazar de muerte por teléfono", 1, 0, 0 },
	{ "on vient de me menacer de mort au téléphone", 1, 0, 0 },
	{ "mon mari me surveille et me menace", 1, 0, 0 },
	{ "mi pareja me revisa el cel y me amenaza", 1, 0, 0 },
	{ "my husband spies on me and threatens me", 1, 0, 0 },
	{ "my colleague disappeared yesterday, not answering", 1, 0, 0 },
	{ "mon collègue a disparu depuis hier", 1, 0, 0 },
	{ "mi compañera desapareció ayer", 1, 0, 0 },
	/* Other languages: the danger words of a few, as data. */
	{ "estou sendo seguida", 1, 0, 0 },
	{ "jemand verfolgt mich", 1, 0, 0 },
	{ "7ad by tab3ni", 1, 0, 0 },
	/* Not danger: things that disappear, threats of something else,
	 * a door or a search that is no raid. */
	{ "my messages disappeared from whatsapp", 0, 0, 0 },
	{ "le compte de mon collègue a disparu", 0, 0, 0 },
	{ "la cuenta de mi hermano desapareció", 0, 0, 0 },
	{ "how do disappearing messages work in signal", 0, 0, 0 },
	{ "il me menace de publier mes photos", 0, 0, 0 },
	{ "mi ex me amenaza con subir mis fotos", 0, 0, 0 },
	{ "he threatens me with posting my photos", 0, 0, 0 },
	{ "estan registrando mi cuenta sin permiso", 0, 0, 0 },
	{ "la puerta de enlace de mi router no funciona", 0, 0, 0 },
	{ "comment forcer la mise à jour de whatsapp", 0, 0, 0 },
	{ "my son disappeared from the family group chat", 0, 0, 0 },
	{ "il a disparu du groupe", 0, 0, 0 },
	{ "mi novia no aparece en mis contactos", 0, 0, 0 },
	{ "la policía afuera del estadio", 0, 0, 0 },
	{ "des gens attendent devant le bureau de poste", 0, 0, 0 },
	{ "mi jefe me amenaza con despedirme", 0, 0, 0 },
	/* Now, the same in each language. */
	{ "des policiers attendent devant le bureau", 1, 0, 0 },
	{ "hay policías afuera de la oficina", 1, 0, 0 },
	{ "quelqu'un essaie d'entrer chez moi", 1, 0, 0 },
	{ "me están persiguiendo", 1, 0, 0 },
	{ "", 0, 0, 0 },
};

/* The writer's own arrest (intent_arrested()), and a word that must be
 * gone from what is left to search (intent_arrested_rest(), no hint
 * forced) and one that must be there (or NULL). */
static const struct {
	const char	*text;
	int		 arrested;
	const char	*gone;
	const char	*kept;
} arrests[] = {
	{ "I was arrested", 1, " arrested ", " police " },
	{ "i was arrested yesterday, they took my phone", 1, " arrested ",
	    " phone " },
	{ "I was arrested, can they read my signal messages", 1, " police ",
	    " signal " },
	{ "j'ai été arrêtée", 1, " arrete ", " police " },
	{ "me detuvieron la semana pasada", 1, " detuvieron ", " policia " },
	{ "my colleague and I were arrested", 1, " arrested ", NULL },
	{ "my colleague was arrested", 0, NULL, NULL },
	{ "mon frère a été arrêté", 0, NULL, NULL },
	{ "detuvieron a mi compañero", 0, NULL, NULL },
	{ "what if I was arrested", 0, NULL, NULL },
	{ "the police released me but kept my laptop", 1, " released ",
	    " laptop " },
	{ "la police m'a relâchée mais a gardé mon ordinateur", 1, NULL,
	    " ordinateur " },
	{ "la policía me soltó pero se quedó con mi laptop", 1, NULL,
	    " laptop " },
	{ "me liberaron de la comisaría, tienen mi celular", 1, NULL,
	    " celular " },
	{ "the police let my friend go", 0, NULL, NULL },
};

/* A message and whether a test of intent.c must say yes to it. */
struct said {
	const char	*text;
	int		 yes;
};

/* Fear with no subject, or a threat the writer makes (s13-safe2): 1 where
 * intent_fear() must say so, 0 where a subject or danger is there. */
static const struct said fears[] = {
	{ "j'ai peur", 1 },
	{ "tengo miedo", 1 },
	{ "I'm so scared, please help", 1 },
	{ "i am going to hurt him", 1 },
	{ "je vais le tuer", 1 },
	{ "tengo miedo de que me hackeen la cuenta", 0 },
	{ "im scared theyll go through my phone at the airport", 0 },
	{ "i am going to hurt him, he leaked my photos", 0 },
	{ "hello", 0 },
	{ "", 0 },
	/* Being unsafe, with no subject but a place (s14-safe3)... */
	{ "I feel unsafe", 1 },
	{ "je me sens pas en sécurité", 1 },
	{ "no me siento segura", 1 },
	{ "I don't feel safe at home anymore", 1 },
	{ "je ne me sens plus en sécurité chez moi", 1 },
	{ "no me siento segura en mi casa", 1 },
	/* ...and with a subject: the search as usual. */
	{ "I feel unsafe on my phone", 0 },
	{ "je me sens pas en sécurité sur whatsapp", 0 },
	{ "no me siento segura con mi contraseña", 0 },
	{ "whatsapp is not safe?", 0 },
};

/* Distress with no subject (s14-safe4): 1 where intent_distress() must
 * say so; 0 where a subject, or nothing of the kind, is there. */
static const struct said distresses[] = {
	{ "i cant do this anymore", 1 },
	{ "I can't do this anymore.", 1 },
	{ "i cant take it anymore", 1 },
	{ "urgent, i can't take it anymore", 1 },
	{ "c'est urgent, j'en peux plus", 1 },
	{ "I can't take it anymore, honestly", 1 },
	{ "i give up", 1 },
	{ "i'm so tired of everything", 1 },
	{ "I'm scared and I can't take it anymore", 1 },
	{ "ya no aguanto más", 1 },
	{ "no puedo más", 1 },
	{ "estoy harta de todo", 1 },
	{ "ya no puedo más, de verdad", 1 },
	{ "j'en peux plus", 1 },
	{ "je n'en peux plus", 1 },
	{ "j'en ai marre de tout", 1 },
	{ "je suis à bout", 1 },
	/* ...with a subject: the search as usual. */
	{ "I can't do this anymore on my old laptop, it's too slow", 0 },
	{ "i cant take it anymore, my phone keeps crashing", 0 },
	{ "ya no puedo entrar a mi cuenta", 0 },
	{ "no aguanto más este spam", 0 },
	{ "j'en peux plus de ces spams", 0 },
	{ "j'en ai marre de tout ce phishing", 0 },
	{ "i give up on signal, what else is safe", 0 },
	{ "whats the point of a vpn", 0 },
	/* The wish to talk is no subject; loneliness is distress
	 * (s19-fixsh). */
	{ "i need someone to talk to, i can't go on", 1 },
	{ "j'ai besoin de parler à quelqu'un, je n'en peux plus", 1 },
	{ "je n'ai personne à qui parler", 1 },
	{ "i need someone to talk to about my hacked account", 0 },
	{ "hello", 0 },
	{ "", 0 },
};

/* Distress beside something done to the writer (s15-fixs): 1 where
 * intent_distress_attack() must say so. */
static const struct said attacks[] = {
	{ "they hacked everything, i cant take it anymore", 1 },
	{ "they hacked my instagram, i cant take it anymore", 1 },
	{ "my instagram was hacked and i'm overwhelmed", 1 },
	{ "on m'a piratée partout, je n'en peux plus", 1 },
	{ "me hackearon todo, ya no aguanto más", 1 },
	{ "i cant take it anymore, my phone keeps crashing", 0 },
	{ "they hacked my account, how do i get it back", 0 },
	/* ...a question beside them is searched (s15-fixv1). */
	{ "what's the point of 2fa if my account still got hacked", 0 },
	{ "my instagram was hacked and i'm overwhelmed, how do i get it back",
	    0 },
	{ "i ve had enough of the harassment, how do i block them on twitter",
	    0 },
	{ "i give up on signal, what else is safe", 0 },
	/* The feeling in a clause of its own, and no question: the
	 * attack may take many words (s19-fixsh). */
	{ "i can't take it anymore, they hacked my instagram and posted my "
	    "photos everywhere", 1 },
	{ "je suis à bout, mon ex me harcèle sur tous mes comptes", 1 },
	{ "ya no puedo entrar a mi cuenta, me la hackearon", 0 },
	{ "i cant take it anymore, someone hacked my email, how do i get it "
	    "back", 0 },
	{ "je n'en peux plus, ils ont piraté mon compte, comment le récupérer",
	    0 },
	{ "", 0 },
};

/* "Urgent" with no subject (s15-fixs): 1 where intent_urgent() must say
 * so; with a subject, the search as usual. */
static const struct said urgents[] = {
	{ "urgent", 1 },
	{ "URGENT!!", 1 },
	{ "urgent help please", 1 },
	{ "c'est urgent", 1 },
	{ "urgence", 1 },
	{ "ayuda urgente", 1 },
	{ "es urgente, por favor", 1 },
	{ "urgent: my account was hacked", 0 },
	{ "c'est urgent, mon compte est piraté", 0 },
	{ "un mensaje urgente de mi banco pide mi contraseña", 0 },
	/* Distress and self-harm win: their replies (s15-fixv1). */
	{ "urgent, i can't take it anymore", 0 },
	{ "c'est urgent, j'en peux plus", 0 },
	{ "urgente, ya no puedo más", 0 },
	{ "urgent, i want to kill myself", 0 },
	{ "hello", 0 },
};

/* Who the danger is (s16-fixs2): 1 where intent_danger_authority() must
 * say the authorities (the emergency number calls them), 0 where the
 * danger is someone else or the police are help. */
static const struct said authorities[] = {
	{ "police are at my door right now", 1 },
	{ "la police est devant chez moi", 1 },
	{ "la policia esta en mi puerta", 1 },
	{ "soldiers are outside", 1 },
	{ "agents de la DGSI sont là", 1 },
	{ "I'm being arrested", 1 },
	{ "the police took my brother", 1 },
	{ "les flics sont devant chez moi", 1 },
	{ "the police officer at my door says my car is parked wrong, do i "
	    "have to show him my phone?", 1 },
	{ "they are at my door", 0 },
	{ "my neighbour is at my door", 0 },
	{ "someone is at my door, should i call the police", 0 },
	{ "my husband beats me, should i go to the police", 0 },
	{ "a man is outside my house and the police do nothing", 0 },
	{ "quelqu'un me suit, je dois appeler la police ?", 0 },
	{ "un hombre me sigue, llamé a la policía", 0 },
	{ "the police will come tonight to arrest me", 1 },
	/* s17-fixs5: the writer's own arrest in fr and es. */
	{ "j'ai été arrêtée ce matin", 1 },
	{ "me arrestaron hoy", 1 },
	{ "me están deteniendo", 1 },
	/* s18-fixk: an arrest earlier today that names nobody is the
	 * authorities' doing (it had the emergency number); one that names
	 * someone else is no danger of the writer's. */
	{ "arrested this morning", 1 },
	{ "arrêté ce matin, qu'est-ce que je fais de mon téléphone", 1 },
	{ "detenido hoy, qué hago con mi teléfono", 1 },
	{ "my colleague was arrested this morning", 0 },
};

/* Danger to come, not now (s16-fixs2): 1 where intent_danger_later() must
 * say so. */
static const struct said laters[] = {
	{ "they are going to arrest me tomorrow what do i do with my phone",
	    1 },
	{ "je vais être arrêté demain", 1 },
	{ "me van a detener mañana", 1 },
	{ "i will be arrested next week", 1 },
	{ "je suis convoqué par la police demain", 1 },
	{ "estoy convocada", 1 },
	{ "they summoned me to the police station tomorrow", 1 },
	{ "i might get arrested tomorrow, how do i prepare my devices", 1 },
	{ "je risque d'être arrêté demain, que faire de mon téléphone", 1 },
	{ "je risque detre arreté demain", 1 },
	{ "podría ser detenida mañana", 1 },
	{ "journalists might get arrested in my country", 0 },
	{ "police are at my door right now", 0 },
	{ "I'm going to be arrested", 0 },
	{ "la policía vino esta mañana y está en mi puerta", 0 },
	{ "what if they arrest me tomorrow", 0 },
	{ "how do i protect my phone at a demonstration tomorrow", 0 },
	{ "au secours", 0 },
};

/* Questions about checking this desk itself (s17-fixv): 1 where
 * intent_desk_check() must say so, whatever the guide; 0 where they name
 * someone or something else, or only ask how fingerprints work. */
static const struct said desks[] = {
	{ "can i trust you", 1 },
	{ "how do i know you are really the help desk", 1 },
	{ "como se si eres realmente el bot del servicio", 1 },
	{ "comment savoir si c'est vraiment vous", 1 },
	{ "how do i know this isn't a fake desk", 1 },
	{ "the fingerprint doesn't match the one on the website", 1 },
	{ "l'empreinte ne correspond pas a celle du site", 1 },
	{ "la huella no coincide con la de la web", 1 },
	{ "can i trust signal", 0 },
	{ "my friend's safety number is different", 0 },
	{ "la huella de mi contacto es distinta", 0 },
	{ "how do I verify a fingerprint", 0 },
	{ "i really need you", 0 },
	{ "thank you, really", 0 },
	{ "vous pouvez vraiment m'aider avec mon compte piraté ?", 0 },
	{ "is this chat really private", 0 },
	{ "the code from the sms is different", 0 },
	{ "pidgin says unverified fingerprint", 1 },
	{ "pidgin m'indique non vérifié", 1 },
	{ "en pidgin me sale no verificado, qué hago", 1 },
	{ "pidgin says not private", 0 },
	{ "my twitter account is not verified", 0 },
	{ "is this chat verified", 0 },
	/* s17-fixr2: a contact's key or a code is no desk key (the bot said
	 * to end the chat); a key counts beside a desk word only; someone
	 * else claiming to be the desk gets the guide's page. */
	{ "the security code is different", 0 },
	{ "el código de seguridad es diferente", 0 },
	{ "the code is different", 0 },
	{ "le code est différent", 0 },
	{ "mi clave no coincide", 0 },
	{ "is the key different", 0 },
	{ "someone says they are you, is it really you?", 0 },
	{ "is the code really yours", 0 },
	{ "your fingerprint is different from the website", 1 },
	{ "le fingerprint du bot ne correspond pas à celui de votre site", 1 },
	{ "the fingerprint doesn't match the leaflet", 1 },
	{ "my contact's fingerprint doesn't match", 0 },
};

/* Danger messages, a word that must be gone from what is left to search
 * and one that must stay (or NULL). */
static const struct {
	const char	*text;
	const char	*gone;
	const char	*kept;
} rests[] = {
	{ "someone is following me", " following ", NULL },
	{ "quelqu'un me suit", " suit ", NULL },
	{ "me están siguiendo", " siguiendo ", NULL },
	{ "HELP MY PHONE WAS TAKEN BY POLICE AT THE BORDER", " police ",
	    " phone " },
	{ "anoche entraron a mi casa y se llevaron mi computadora",
	    " entraron ", " computadora " },
	{ "my husband beats me and checks my phone", " beats ", " phone " },
	{ "my boyfriend hits me and he took my phone", " hits ",
	    " boyfriend " },
	{ "mon mari me frappe, il lit mes messages", " me frappe ",
	    " mari " },
	{ "a man called me and said he will kill me", " said he will ",
	    " kill " },
	/* s15-fixs: "finds out" alone found "Find out what leaked". */
	{ "he gets violent when he finds out", " gets ", " violent " },
	{ "se pone violento cuando se entera", " pone ", " violento " },
};

/* Self-harm or distress beside a subject (s16-fixi): what is left to
 * search (intent_crisis_rest()) keeps the subject, loses the words of
 * feeling; attack: a distress_attack word is left. */
static const struct {
	const char	*text;
	const char	*gone;
	const char	*kept;
	int		 attack;
} crisis_rests[] = {
	{ "my instagram was hacked and i want to kill myself", " kill ",
	    " instagram ", 1 },
	{ "me quiero morir, me hackearon todo", " morir ", " hackearon ",
	    1 },
	{ "je veux mourir, mon compte a été piraté", " mourir ", " compte ",
	    1 },
	{ "they hacked everything, i cant take it anymore", " take ",
	    " everything ", 1 },
	{ "on m'a piratée partout, je n'en peux plus", " peux ",
	    " partout ", 1 },
	{ "ya no puedo más, me hackearon el whatsapp", " puedo ",
	    " whatsapp ", 1 },
	{ "i want to die, my phone", " die ", " phone ", 0 },
	{ "i feel suicidal, everyone on instagram hates me", " suicidal ",
	    " instagram ", 0 },
};

/* Checks fn (intent_fear(), intent_distress()...) on each of the n
 * messages of v; what names it in the test's lines. */
static void
check_said(const struct intent *in, const char *what,
    int (*fn)(const struct intent *, const char *, const char **),
    const struct said *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[160];

		(void)util_snprintf(name, sizeof(name), "%s %d: %s", what,
		    v[i].yes, v[i].text);
		CHECK_INT(v[i].yes, fn(in, v[i].text, NULL), name);
	}
}

/* Checks r (freed), what is left of text to search: never gone, always
 * kept (when not NULL), and also set; what names it in the line. */
static void
check_rest(const char *what, const char *text, char *r, const char *gone,
    const char *kept, int also)
{
	char name[160];

	(void)util_snprintf(name, sizeof(name), "%s of %s: %s", what, text,
	    r != NULL ? r : "(null)");
	CHECK(r != NULL && strstr(r, gone) == NULL && (kept == NULL ||
	    strstr(r, kept) != NULL) && also, name);
	free(r);
}

static void
test_cases(const struct intent *in)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char name[160];

		(void)util_snprintf(name, sizeof(name), "danger %d: %s",
		    cases[i].danger, cases[i].text);
		CHECK_INT(cases[i].danger, intent_danger(in, cases[i].text,
		    NULL), name);
		(void)util_snprintf(name, sizeof(name), "plea %d: %s",
		    cases[i].plea, cases[i].text);
		CHECK_INT(cases[i].plea, intent_plea(in, cases[i].text, NULL),
		    name);
		(void)util_snprintf(name, sizeof(name), "self-harm %d: %s",
		    cases[i].self, cases[i].text);
		CHECK_INT(cases[i].self, intent_self_harm(in, cases[i].text,
		    NULL), name);
	}
	check_said(in, "fear", intent_fear, fears, ARRAY_LEN(fears));
	check_said(in, "distress", intent_distress, distresses,
	    ARRAY_LEN(distresses));
	check_said(in, "distress+attack", intent_distress_attack, attacks,
	    ARRAY_LEN(attacks));
	check_said(in, "urgent", intent_urgent, urgents, ARRAY_LEN(urgents));
	check_said(in, "later", intent_danger_later, laters,
	    ARRAY_LEN(laters));
	for (size_t i = 0; i < ARRAY_LEN(desks); i++) {
		char name[200];

		(void)util_snprintf(name, sizeof(name), "desk check %d: %s",
		    desks[i].yes, desks[i].text);
		CHECK_INT(desks[i].yes, intent_desk_check(in, desks[i].text, NULL),
		    name);
	}
	for (size_t i = 0; i < ARRAY_LEN(authorities); i++) {
		char name[200];

		(void)util_snprintf(name, sizeof(name), "authority %d: %s",
		    authorities[i].yes, authorities[i].text);
		CHECK_INT(authorities[i].yes, intent_danger_authority(in,
		    authorities[i].text), name);
	}
	/* Danger to come: what to do before, not the arrest and its time. */
	{
		char *r = intent_danger_later_rest(in, "they are going to "
		    "arrest me tomorrow what do i do with my phone", NULL);

		CHECK(r != NULL && strstr(r, " tomorrow ") == NULL &&
		    strstr(r, " arrest me ") == NULL &&
		    strstr(r, " phone ") != NULL &&
		    strstr(r, " face unlock ") != NULL,
		    "rest of an arrest tomorrow: the phone, before an arrest");
		free(r);
	}
	/* What is left to search after the danger reply: never the words
	 * that raised it ("suit" found "tout de suite"). */
	for (size_t i = 0; i < ARRAY_LEN(rests); i++) {
		int topic;
		char *r = intent_danger_rest(in, rests[i].text, &topic);

		check_rest("rest", rests[i].text, r, rests[i].gone,
		    rests[i].kept, 1);
	}
	for (size_t i = 0; i < ARRAY_LEN(crisis_rests); i++) {
		int attack;
		char *r = intent_crisis_rest(in, crisis_rests[i].text, &attack);

		check_rest("crisis rest", crisis_rests[i].text, r,
		    crisis_rests[i].gone, crisis_rests[i].kept,
		    attack == crisis_rests[i].attack);
	}
	for (size_t i = 0; i < ARRAY_LEN(arrests); i++) {
		char *r = intent_arrested_rest(in, arrests[i].text, 0, NULL);
		char name[160];

		(void)util_snprintf(name, sizeof(name), "arrested %d: %s",
		    arrests[i].arrested, arrests[i].text);
		CHECK_INT(arrests[i].arrested, intent_arrested(in,
		    arrests[i].text, NULL), name);
		(void)util_snprintf(name, sizeof(name), "rest of %s: %s",
		    arrests[i].text, r != NULL ? r : "(null)");
		CHECK(r != NULL && (arrests[i].gone == NULL ||
		    strstr(r, arrests[i].gone) == NULL) &&
		    (arrests[i].kept == NULL ||
		    strstr(r, arrests[i].kept) != NULL), name);
		free(r);
	}
	/* Held now: danger, and what is left to search is the writer's own
	 * phone, not "arrested". */
	{
		int topic;
		char *r = intent_danger_rest(in, "I'm being arrested", &topic);

		CHECK(r != NULL && strstr(r, " arrested ") == NULL &&
		    (topic & INTENT_REST_ARREST), "rest of I'm being arrested");
		free(r);
	}
	CHECK_INT(0, intent_danger(NULL, "they are at my door", NULL),
	    "no data: no alarm");
	CHECK_INT(0, intent_self_harm(NULL, "I want to die", NULL),
	    "no data: no self-harm");
	CHECK_INT(0, intent_distress(NULL, "j'en peux plus", NULL),
	    "no data: no distress");
	CHECK_INT(0, intent_danger_authority(NULL, "police at my door"),
	    "no data: no authority");
	CHECK_INT(0, intent_danger_later(NULL, "arrest me tomorrow", NULL),
	    "no data: no danger later");
}

/* What test_heldout() reads of a set's lines. */
enum heldout {
	HELD_DANGER,		/* each line a check of intent_danger() */
	HELD_BOTH,		/* and of intent_self_harm() */
	HELD_TOTALS,		/* both, as totals only: no check per line */
	HELD_CRISIS,		/* both, and the check-in on "!distress" */
};

/* The calm reply comes first: self-harm, or distress alone or beside an
 * attack (bot.c asks them in this order, after danger). */
static int
crisis_checkin(const struct intent *in, const char *q)
{
	return intent_self_harm(in, q, NULL) ||
	    intent_distress(in, q, NULL) ||
	    intent_distress_attack(in, q, NULL);
}

/*
 * lang TAB question TAB expected; '#' comments. intent_danger() must say 1
 * on "!danger" lines, 0 on the others; intent_self_harm() 1 on "!self"
 * lines, 0 on the others (but with HELD_DANGER). With HELD_CRISIS,
 * crisis_checkin() 1 on "!distress" and "!self" lines, 0 on "ok" ones.
 * Totals printed.
 */
static void
test_heldout(const struct intent *in, const char *path, enum heldout how)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int n = 0, tp = 0, fn = 0, fp = 0, tn = 0;
	int stp = 0, sfn = 0, sfp = 0, stn = 0;
	int ctp = 0, cfn = 0, cfp = 0, ctn = 0;

	if (f == NULL) {
		CHECK(0, "held-out danger set readable");
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *q, *want, *nl;
		int is_danger, said, is_self, self, is_crisis, crisis;
		char name[2200];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if ((q = strchr(line, '\t')) == NULL ||
		    (want = strchr(q + 1, '\t')) == NULL)
			continue;
		*want++ = '\0';
		q++;
		is_danger = strcmp(want, "!danger") == 0;
		said = intent_danger(in, q, NULL);
		n++;
		if (is_danger && said)
			tp++;
		else if (is_danger)
			fn++;
		else if (said)
			fp++;
		else
			tn++;
		(void)util_snprintf(name, sizeof(name), "held-out %s %s: %s",
		    line, is_danger ? "danger" : "not danger", q);
		if (how != HELD_TOTALS)
			CHECK_INT(is_danger, said, name);
		if (how == HELD_DANGER)
			continue;
		is_self = strcmp(want, "!self") == 0;
		is_crisis = is_self || strcmp(want, "!distress") == 0;
		self = intent_self_harm(in, q, NULL);
		/* A "!distress" line may get the self-harm reply or the
		 * check-in: only the check-in is counted. */
		if (!is_self && is_crisis)
			;
		else if (is_self && self)
			stp++;
		else if (is_self)
			sfn++;
		else if (self)
			sfp++;
		else
			stn++;
		(void)util_snprintf(name, sizeof(name), "probe %s %s: %s",
		    line, is_self ? "self-harm" : "not self-harm", q);
		if (how != HELD_TOTALS && (is_self || !is_crisis))
			CHECK_INT(is_self, self, name);
		if (how != HELD_CRISIS)
			continue;
		crisis = crisis_checkin(in, q);
		if (is_crisis && crisis)
			ctp++;
		else if (is_crisis)
			cfn++;
		else if (crisis)
			cfp++;
		else
			ctn++;
		(void)util_snprintf(name, sizeof(name), "probe %s %s: %s",
		    line, is_crisis ? "check-in" : "no check-in", q);
		CHECK_INT(is_crisis, crisis, name);
	}
	fclose(f);
	printf("# %s: %d lines; danger found %d of %d, missed %d; false "
	    "alarms %d of %d\n", path, n, tp, tp + fn, fn, fp, fp + tn);
	if (how != HELD_DANGER)
		printf("# %s: self-harm found %d of %d, missed %d; false "
		    "alarms %d of %d\n", path, stp, stp + sfn, sfn, sfp,
		    sfp + stn);
	if (how == HELD_CRISIS)
		printf("# %s: check-in found %d of %d, missed %d; false "
		    "alarms %d of %d\n", path, ctp, ctp + cfn, cfn, cfp,
		    cfp + ctn);
	CHECK(n >= 20, "held-out danger set has lines");
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	struct phrases *p = phrases_new();
	struct intent *in;
	char path[4096];

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	if (top == NULL)
		top = ".";
	(void)util_snprintf(path, sizeof(path), "%s/replies", top);
	CHECK(phrases_load_dir(p, path) > 0, "shipped phrases load");
	in = intent_new(p);
	phrases_free(p);
	test_cases(in);
	(void)util_snprintf(path, sizeof(path),
	    "%s/tests/fixtures/questions-danger.tsv", top);
	test_heldout(in, path, HELD_DANGER);
	(void)util_snprintf(path, sizeof(path),
	    "%s/tests/fixtures/questions-safety-probe.tsv", top);
	test_heldout(in, path, HELD_BOTH);
	(void)util_snprintf(path, sizeof(path),
	    "%s/tests/fixtures/questions-safety-probe2.tsv", top);
	test_heldout(in, path, HELD_BOTH);
	(void)util_snprintf(path, sizeof(path),
	    "%s/tests/fixtures/questions-danger-probe2.tsv", top);
	test_heldout(in, path, HELD_BOTH);
	(void)util_snprintf(path, sizeof(path),
	    "%s/tests/fixtures/questions-distress-probe.tsv", top);
	test_heldout(in, path, HELD_CRISIS);
	(void)util_snprintf(path, sizeof(path),
	    "%s/tests/fixtures/questions-distress-probe2.tsv", top);
	test_heldout(in, path, HELD_CRISIS);
	/* The blind set only when asked (tests/fixtures/README): its totals
	 * are read at the end of a session, not in every make check. */
	if (getenv("SAFETY_BLIND") != NULL) {
		(void)util_snprintf(path, sizeof(path),
		    "%s/tests/fixtures/questions-safety-blind.tsv", top);
		test_heldout(in, path, HELD_TOTALS);
	}
	intent_free(in);
	return TAP_DONE();
}
