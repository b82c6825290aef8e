import type { Catalogue } from './en';

export const lv: Catalogue = {
  'app.name': 'Inovāciju tīkls',
  'app.skipToContent': 'Pāriet uz galveno saturu',
  'app.footer': 'Platforma, kurā publiskā sektora organizācijas mācās cita no citas un ievieš labo praksi.',

  'language.label': 'Valoda',

  'nav.label': 'Galvenā navigācija',
  'nav.home': 'Sākums',
  'nav.workshops': 'Darbnīcas',
  'nav.nominations': 'Nominācijas',
  'nav.cohorts': 'Grupas',
  'nav.library': 'Bibliotēka',
  'nav.requests': 'Iesniegumi',

  'home.title': 'Inovāciju tīkls',
  'home.intro':
    'Inovāciju tīkls palīdz publiskā sektora organizācijām mācīties citai no citas un ieviest labo praksi. Tas nodrošina piecus programmu virzienus no sākuma līdz beigām.',
  'home.tracksHeading': 'Programmu virzieni',

  'track.workshops.name': 'Tīkls un darbnīcas',
  'track.workshops.summary':
    'Administratori aicina dalībniekus pievienoties tīklam, un dalībnieki piesakās tiešsaistes koprades darbnīcām, izmantojot personīgu uzaicinājuma saiti. Darbnīcu atsauksmes palīdz pilnveidot inovāciju attīstības modeli.',
  'track.nominations.name': 'Nominācijas un ekspertu vērtējums',
  'track.nominations.summary':
    'Uzsaukuma laikā organizācijas izvirza uzlabojumu projektus. Starptautisku ekspertu grupa tos vērtē pēc mērķu skaidrības, sagaidāmās ietekmes un praktiskās īstenojamības, un atlasītie projekti iziet piecus TRADE posmus ar regulāriem progresa pārskatiem.',
  'track.cohorts.name': 'Grupas un uzņemšana',
  'track.cohorts.summary':
    'Programmas notiek grupās pa {min} līdz {max} dalībniekiem. Pievienojoties katrs dalībnieks iesniedz vadības izaicinājumu, ko analizē darbnīcās un kas noslēdzas ar savstarpējās mācīšanās sesiju.',
  'track.library.name': 'Labās prakses bibliotēka',
  'track.library.summary':
    'Meklējiet labo praksi no visas pasaules un no mūsu organizācijām un iesniedziet savu, ko redaktori pārskatīs un publicēs.',
  'track.requests.name': 'Iesniegumi un apstrīdēšana',
  'track.requests.summary':
    'Ikviens var iesniegt sūdzību vai priekšlikumu. To nodod atbildīgajai struktūrvienībai un atbild noteiktā termiņā, un iesniedzējs var apstrīdēt atbildi.',

  'status.heading': 'Sistēmas stāvoklis',
  'status.checking': 'Pārbauda sistēmas stāvokli…',
  'status.healthy': 'Visas sistēmas darbojas.',
  'status.unhealthy': 'Dažas sistēmas nedarbojas.',
  'status.unavailable': 'Sistēmas stāvokli neizdevās ielādēt.',
  'status.checkedAt': 'Pārbaudīts {time}',
  'status.refresh': 'Pārbaudīt vēlreiz',
  'status.check.tables': 'Tabulu krātuve',
  'status.check.queues': 'Ziņojumu rindas',
  'status.check.blobs': 'Failu krātuve',
  'status.state.Healthy': 'Darbojas',
  'status.state.Unhealthy': 'Nedarbojas',
  'status.state.Degraded': 'Darbojas daļēji',

  'placeholder.comingSoon': 'Šī portāla sadaļa drīzumā būs pieejama.',
  'placeholder.backHome': 'Atpakaļ uz sākumlapu',

  'workshops.title': 'Darbnīcas',
  'nominations.title': 'Nominācijas',
  'cohorts.title': 'Grupas',
  'library.title': 'Labās prakses bibliotēka',
  'requests.title': 'Iesniegumi un apstrīdēšana',

  'notFound.title': 'Lapa nav atrasta',
  'notFound.body': 'Šajā adresē nav lapas.',
};
