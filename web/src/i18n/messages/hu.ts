import type { Catalogue } from './en';

export const hu: Catalogue = {
  'app.name': 'Innovációs Hálózat',
  'app.skipToContent': 'Ugrás a fő tartalomra',
  'app.footer': 'Platform, amelyen a közszféra szervezetei egymástól tanulnak, és bevált gyakorlatokat vezetnek be.',

  'language.label': 'Nyelv',

  'nav.label': 'Fő navigáció',
  'nav.home': 'Kezdőlap',
  'nav.workshops': 'Műhelyek',
  'nav.nominations': 'Jelölések',
  'nav.cohorts': 'Évfolyamok',
  'nav.library': 'Könyvtár',
  'nav.requests': 'Bejelentések',

  'home.title': 'Innovációs Hálózat',
  'home.intro':
    'Az Innovációs Hálózat abban segíti a közszféra szervezeteit, hogy egymástól tanuljanak, és bevált gyakorlatokat vezessenek be. Öt programterületet kísér végig az elejétől a végéig.',
  'home.tracksHeading': 'Programterületek',

  'track.workshops.name': 'Hálózat és műhelyek',
  'track.workshops.summary':
    'Az adminisztrátorok meghívják a tagokat a hálózatba, a tagok pedig személyes meghívó linkkel jelentkeznek online közös tervezési műhelyekre. A műhelyek visszajelzései az innovációfejlesztési modellt finomítják.',
  'track.nominations.name': 'Jelölések és szakértői értékelés',
  'track.nominations.summary':
    'A felhívás idején a szervezetek fejlesztési projekteket jelölnek. Nemzetközi szakértői testület pontozza őket a célok egyértelműsége, a várható hatás és a gyakorlati megvalósíthatóság szerint, a kiválasztott projektek pedig rendszeres előrehaladási áttekintésekkel végighaladnak a TRADE öt szakaszán.',
  'track.cohorts.name': 'Évfolyamok és csatlakozás',
  'track.cohorts.summary':
    'A programok {min}–{max} fős évfolyamokban futnak. Csatlakozáskor minden résztvevő benyújt egy vezetési kihívást, amelyet a műhelyek elemeznek, és amely egy egymástól tanulási alkalommal zárul.',
  'track.library.name': 'Bevált gyakorlatok könyvtára',
  'track.library.summary':
    'Keressen bevált gyakorlatokat a világ minden tájáról és saját szervezeteinkből, és küldje be a sajátjait, amelyeket a szerkesztők ellenőriznek és közzétesznek.',
  'track.requests.name': 'Panaszok, javaslatok és kifogások',
  'track.requests.summary':
    'Bárki benyújthat panaszt vagy javaslatot. Ezt a felelős szervezeti egységhez továbbítják, és határidőn belül megválaszolják; a bejelentő kifogást emelhet a válasz ellen.',

  'status.heading': 'Rendszerállapot',
  'status.checking': 'A rendszerállapot ellenőrzése…',
  'status.healthy': 'Minden rendszer működik.',
  'status.unhealthy': 'Egyes rendszerek nem működnek.',
  'status.unavailable': 'A rendszerállapotot nem sikerült betölteni.',
  'status.checkedAt': 'Ellenőrizve: {time}',
  'status.refresh': 'Újraellenőrzés',
  'status.check.tables': 'Táblatárolás',
  'status.check.queues': 'Üzenetsorok',
  'status.check.blobs': 'Fájltárolás',
  'status.state.Healthy': 'Működik',
  'status.state.Unhealthy': 'Nem működik',
  'status.state.Degraded': 'Részlegesen működik',

  'placeholder.comingSoon': 'A portálnak ez a része hamarosan elérhető lesz.',
  'placeholder.backHome': 'Vissza a kezdőlapra',

  'workshops.title': 'Műhelyek',
  'nominations.title': 'Jelölések',
  'cohorts.title': 'Évfolyamok',
  'library.title': 'Bevált gyakorlatok könyvtára',
  'requests.title': 'Panaszok, javaslatok és kifogások',

  'notFound.title': 'Az oldal nem található',
  'notFound.body': 'Ezen a címen nincs oldal.',
};
