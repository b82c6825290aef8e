import type { Catalogue } from './en';

export const ar: Catalogue = {
  'app.name': 'شبكة الابتكار',
  'app.skipToContent': 'تخطَّ إلى المحتوى الرئيسي',
  'app.footer': 'منصة تتعلم فيها الجهات الحكومية بعضها من بعض وتطبّق أفضل الممارسات.',

  'language.label': 'اللغة',

  'nav.label': 'القائمة الرئيسية',
  'nav.home': 'الرئيسية',
  'nav.workshops': 'ورش العمل',
  'nav.nominations': 'الترشيحات',
  'nav.cohorts': 'الدفعات',
  'nav.library': 'المكتبة',
  'nav.requests': 'الطلبات',

  'home.title': 'شبكة الابتكار',
  'home.intro':
    'تساعد شبكة الابتكار الجهات الحكومية على التعلم بعضها من بعض وتطبيق أفضل الممارسات، وتدير خمسة مسارات من بدايتها إلى نهايتها.',
  'home.tracksHeading': 'مسارات البرامج',

  'track.workshops.name': 'الشبكة وورش العمل',
  'track.workshops.summary':
    'يدعو المسؤولون الأعضاء إلى الشبكة، ويسجّل الأعضاء في ورش تصميم مشترك عبر الإنترنت من خلال رابط دعوة شخصي. وتُسهم ملاحظات الورش في تطوير نموذج تطوير الابتكار.',
  'track.nominations.name': 'الترشيحات وتقييم الخبراء',
  'track.nominations.summary':
    'ترشّح الجهات الحكومية مشروعات للتحسين خلال فترة الترشيح، ويقيّمها فريق من الخبراء الدوليين من حيث وضوح الأهداف والتأثيرات المتوقعة والإمكانية العملية للتطبيق، ثم تمر المشروعات المختارة بمراحل منهجية TRADE الخمس مع مراجعات دورية لمدى التقدم.',
  'track.cohorts.name': 'الدفعات والانضمام',
  'track.cohorts.summary':
    'تُنفَّذ البرامج في دفعات تضم من {min} إلى {max} مشاركًا. وعند الانضمام يقدّم كل مشارك تحديًا إداريًا تحلله ورش العمل، وينتهي بجلسة تعلّم بين الأقران.',
  'track.library.name': 'مكتبة أفضل الممارسات',
  'track.library.summary':
    'ابحث في أفضل الممارسات العالمية وممارسات الجهات الحكومية، وقدّم ممارساتك ليراجعها المحررون وينشروها.',
  'track.requests.name': 'الطلبات والتظلمات',
  'track.requests.summary':
    'يمكن لأي شخص تقديم شكوى أو مقترح، فيُحال إلى الإدارة المسؤولة ويُرَدّ عليه خلال مهلة محددة، ويمكن لمقدّم الطلب الاعتراض على الرد.',

  'status.heading': 'حالة النظام',
  'status.checking': 'جارٍ التحقق من حالة النظام…',
  'status.healthy': 'جميع الأنظمة تعمل.',
  'status.unhealthy': 'بعض الأنظمة لا تعمل.',
  'status.unavailable': 'تعذّر تحميل حالة النظام.',
  'status.checkedAt': 'آخر تحقق: {time}',
  'status.refresh': 'تحقق مرة أخرى',
  'status.check.tables': 'تخزين الجداول',
  'status.check.queues': 'قوائم انتظار الرسائل',
  'status.check.blobs': 'تخزين الملفات',
  'status.state.Healthy': 'يعمل',
  'status.state.Unhealthy': 'لا يعمل',
  'status.state.Degraded': 'يعمل جزئيًا',

  'placeholder.comingSoon': 'هذا القسم من البوابة قيد الإعداد وسيتوفر قريبًا.',
  'placeholder.backHome': 'العودة إلى الصفحة الرئيسية',

  'workshops.title': 'ورش العمل',
  'nominations.title': 'الترشيحات',
  'cohorts.title': 'الدفعات',
  'library.title': 'مكتبة أفضل الممارسات',
  'requests.title': 'الطلبات والتظلمات',

  'notFound.title': 'الصفحة غير موجودة',
  'notFound.body': 'لا توجد صفحة على هذا العنوان.',
};
