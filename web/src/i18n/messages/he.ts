import type { Catalogue } from './en';

export const he: Catalogue = {
  'app.name': 'רשת החדשנות',
  'app.skipToContent': 'דילוג לתוכן הראשי',
  'app.footer': 'פלטפורמה שבה ארגונים ציבוריים לומדים זה מזה ומאמצים פרקטיקות מיטביות.',

  'language.label': 'שפה',

  'nav.label': 'ניווט ראשי',
  'nav.home': 'דף הבית',
  'nav.workshops': 'סדנאות',
  'nav.nominations': 'מועמדויות',
  'nav.cohorts': 'מחזורים',
  'nav.library': 'ספרייה',
  'nav.requests': 'פניות',

  'home.title': 'רשת החדשנות',
  'home.intro':
    'רשת החדשנות מסייעת לארגונים ציבוריים ללמוד זה מזה ולאמץ פרקטיקות מיטביות. היא מנהלת חמישה מסלולים מתחילתם ועד סופם.',
  'home.tracksHeading': 'מסלולי התוכניות',

  'track.workshops.name': 'הרשת והסדנאות',
  'track.workshops.summary':
    'מנהלי המערכת מזמינים חברים לרשת, והחברים נרשמים לסדנאות עיצוב משותף מקוונות באמצעות קישור הזמנה אישי. המשוב מהסדנאות משמש לשיפור מודל פיתוח החדשנות.',
  'track.nominations.name': 'מועמדויות והערכת מומחים',
  'track.nominations.summary':
    'ארגונים מגישים פרויקטים לשיפור כמועמדים במהלך קול קורא. צוות מומחים בין־לאומי מדרג אותם לפי בהירות המטרות, ההשפעה הצפויה וההיתכנות המעשית, והפרויקטים שנבחרו עוברים את חמשת שלבי TRADE עם סקירות התקדמות תקופתיות.',
  'track.cohorts.name': 'מחזורים וקליטה',
  'track.cohorts.summary':
    'התוכניות פועלות במחזורים של {min} עד {max} משתתפים. עם ההצטרפות כל משתתף מגיש אתגר ניהולי, שהסדנאות מנתחות ושמסתיים במפגש למידת עמיתים.',
  'track.library.name': 'ספריית פרקטיקות מיטביות',
  'track.library.summary':
    'חפשו פרקטיקות מיטביות מהעולם ומהארגונים שלנו, והגישו פרקטיקות משלכם לבדיקה ולפרסום על ידי העורכים.',
  'track.requests.name': 'פניות וערעורים',
  'track.requests.summary':
    'כל אחד יכול להגיש תלונה או הצעה. הפנייה מועברת ליחידה האחראית ונענית בתוך פרק זמן קצוב, והפונה יכול לערער על התשובה.',

  'status.heading': 'מצב המערכת',
  'status.checking': 'בודקים את מצב המערכת…',
  'status.healthy': 'כל המערכות פועלות.',
  'status.unhealthy': 'חלק מהמערכות אינן פועלות.',
  'status.unavailable': 'לא ניתן לטעון את מצב המערכת.',
  'status.checkedAt': 'נבדק בשעה {time}',
  'status.refresh': 'בדיקה חוזרת',
  'status.check.tables': 'אחסון טבלאות',
  'status.check.queues': 'תורי הודעות',
  'status.check.blobs': 'אחסון קבצים',
  'status.state.Healthy': 'תקין',
  'status.state.Unhealthy': 'לא תקין',
  'status.state.Degraded': 'תקין חלקית',

  'placeholder.comingSoon': 'חלק זה של הפורטל יהיה זמין בקרוב.',
  'placeholder.backHome': 'חזרה לדף הבית',

  'workshops.title': 'סדנאות',
  'nominations.title': 'מועמדויות',
  'cohorts.title': 'מחזורים',
  'library.title': 'ספריית פרקטיקות מיטביות',
  'requests.title': 'פניות וערעורים',

  'notFound.title': 'הדף לא נמצא',
  'notFound.body': 'אין דף בכתובת הזו.',
};
