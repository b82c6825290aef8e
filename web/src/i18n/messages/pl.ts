import type { Catalogue } from './en';

export const pl: Catalogue = {
  'app.name': 'Sieć Innowacji',
  'app.skipToContent': 'Przejdź do treści głównej',
  'app.footer': 'Platforma, na której instytucje publiczne uczą się od siebie nawzajem i wdrażają dobre praktyki.',

  'language.label': 'Język',

  'nav.label': 'Nawigacja główna',
  'nav.home': 'Strona główna',
  'nav.workshops': 'Warsztaty',
  'nav.nominations': 'Nominacje',
  'nav.cohorts': 'Edycje',
  'nav.library': 'Biblioteka',
  'nav.requests': 'Skargi i wnioski',

  'home.title': 'Sieć Innowacji',
  'home.intro':
    'Sieć Innowacji pomaga instytucjom publicznym uczyć się od siebie nawzajem i wdrażać dobre praktyki. Obsługuje pięć ścieżek programowych od początku do końca.',
  'home.tracksHeading': 'Ścieżki programowe',

  'track.workshops.name': 'Sieć i warsztaty',
  'track.workshops.summary':
    'Administratorzy zapraszają członków do sieci, a członkowie zapisują się na warsztaty współprojektowania online za pomocą osobistego linku z zaproszeniem. Wnioski z warsztatów pomagają doskonalić model rozwoju innowacji.',
  'track.nominations.name': 'Nominacje i ocena ekspertów',
  'track.nominations.summary':
    'W trakcie naboru instytucje zgłaszają projekty usprawnień. Panel międzynarodowych ekspertów ocenia je pod kątem jasności celów, oczekiwanego wpływu i wykonalności w praktyce, a wybrane projekty przechodzą przez pięć etapów TRADE z okresowymi przeglądami postępów.',
  'track.cohorts.name': 'Edycje i przystąpienie',
  'track.cohorts.summary':
    'Programy są realizowane w edycjach liczących od {min} do {max} uczestników. Przystępując do projektu, każdy uczestnik zgłasza wyzwanie zarządcze, które analizuje się podczas warsztatów i które kończy sesja peer-learningowa.',
  'track.library.name': 'Biblioteka dobrych praktyk',
  'track.library.summary':
    'Wyszukuj dobre praktyki z całego świata i z naszych instytucji oraz zgłaszaj własne, które redaktorzy sprawdzą i opublikują.',
  'track.requests.name': 'Skargi, wnioski i odwołania',
  'track.requests.summary':
    'Każdy może złożyć skargę lub wniosek. Sprawa trafia do właściwej komórki i otrzymuje odpowiedź w wyznaczonym terminie, a wnoszący może odwołać się od odpowiedzi.',

  'status.heading': 'Stan systemu',
  'status.checking': 'Sprawdzanie stanu systemu…',
  'status.healthy': 'Wszystkie systemy działają.',
  'status.unhealthy': 'Niektóre systemy nie działają.',
  'status.unavailable': 'Nie udało się pobrać stanu systemu.',
  'status.checkedAt': 'Sprawdzono o {time}',
  'status.refresh': 'Sprawdź ponownie',
  'status.check.tables': 'Magazyn tabel',
  'status.check.queues': 'Kolejki komunikatów',
  'status.check.blobs': 'Magazyn plików',
  'status.state.Healthy': 'Działa',
  'status.state.Unhealthy': 'Nie działa',
  'status.state.Degraded': 'Działa częściowo',

  'placeholder.comingSoon': 'Ta część portalu będzie dostępna wkrótce.',
  'placeholder.backHome': 'Wróć na stronę główną',

  'workshops.title': 'Warsztaty',
  'nominations.title': 'Nominacje',
  'cohorts.title': 'Edycje',
  'library.title': 'Biblioteka dobrych praktyk',
  'requests.title': 'Skargi, wnioski i odwołania',

  'notFound.title': 'Nie znaleziono strony',
  'notFound.body': 'Pod tym adresem nie ma żadnej strony.',
};
