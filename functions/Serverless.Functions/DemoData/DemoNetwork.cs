namespace Serverless.Functions.DemoData;

/// <summary>
/// The demo network, drawn from the programmes the platform was modelled on: Dubai's
/// organisational-learning initiative, the Saudi Ministry of Education's "Tawasul" channel,
/// Israel's Digital Leaders programme, the Greek Ministry of Interior's innovation workshops and
/// the Synergia peer-learning project (Poland with Bulgaria, Latvia and Hungary).
/// Domains end in ".example" (reserved, RFC 2606) so demo addresses can never reach a real inbox.
/// </summary>
public static class DemoNetwork
{
    public sealed record DemoOrganisation(string Id, string Country, string Level, string Type, string Domain, Dictionary<string, string> Names);

    public sealed record DemoPerson(string Id, string Name, string Email, string OrganisationId, string Language, string NetworkRole, string[] Roles);

    public static readonly DemoOrganisation[] Organisations =
    [
        new("ae-dubai-exec-council", "AE", "regional", "government-entity", "dubai-executive-council.gov.ae.example", new() { ["en"] = "General Secretariat of the Executive Council of Dubai", ["ar"] = "الأمانة العامة للمجلس التنفيذي لإمارة دبي" }),
        new("ae-dubai-police", "AE", "regional", "government-entity", "dubaipolice.gov.ae.example", new() { ["en"] = "Dubai Police", ["ar"] = "القيادة العامة لشرطة دبي" }),
        new("ae-dubai-rta", "AE", "regional", "authority", "rta.ae.example", new() { ["en"] = "Roads and Transport Authority, Dubai", ["ar"] = "هيئة الطرق والمواصلات في دبي" }),
        new("sa-moe", "SA", "national", "ministry", "moe.gov.sa.example", new() { ["en"] = "Ministry of Education (Tawasul beneficiary care)", ["ar"] = "وزارة التعليم — مركز رعاية المستفيدين «تواصل»" }),
        new("pl-kprm", "PL", "national", "ministry", "kprm.gov.pl.example", new() { ["en"] = "Chancellery of the Prime Minister", ["pl"] = "Kancelaria Prezesa Rady Ministrów" }),
        new("pl-mc", "PL", "national", "ministry", "cyfra.gov.pl.example", new() { ["en"] = "Ministry of Digital Affairs", ["pl"] = "Ministerstwo Cyfryzacji" }),
        new("il-digital", "IL", "national", "government-unit", "digital.gov.il.example", new() { ["en"] = "Israel Digital, Ministry for Social Equality", ["he"] = "מטה ישראל דיגיטלית, המשרד לשוויון חברתי" }),
        new("il-ict", "IL", "national", "authority", "ict.gov.il.example", new() { ["en"] = "Government ICT Authority, Prime Minister's Office", ["he"] = "רשות התקשוב הממשלתית, משרד ראש הממשלה" }),
        new("il-csc", "IL", "national", "commission", "csc.gov.il.example", new() { ["en"] = "Civil Service Commission", ["he"] = "נציבות שירות המדינה" }),
        new("gr-ypes", "GR", "national", "ministry", "ypes.gr.example", new() { ["en"] = "Ministry of Interior — Innovation and Best Practices Unit", ["el"] = "Υπουργείο Εσωτερικών — Τμήμα Καινοτομίας και Βέλτιστων Πρακτικών" }),
        new("gr-athens", "GR", "local", "municipality", "cityofathens.gr.example", new() { ["en"] = "Municipality of Athens", ["el"] = "Δήμος Αθηναίων" }),
        new("bg-ipa", "BG", "national", "academy", "ipa.government.bg.example", new() { ["en"] = "Institute for Public Administration", ["bg"] = "Институт по публична администрация" }),
        new("lv-vas", "LV", "national", "academy", "vas.gov.lv.example", new() { ["en"] = "Latvian School of Public Administration", ["lv"] = "Valsts administrācijas skola" }),
        new("hu-nke", "HU", "national", "academy", "uni-nke.hu.example", new() { ["en"] = "Ludovika University of Public Service", ["hu"] = "Nemzeti Közszolgálati Egyetem" }),
    ];

    public static readonly DemoPerson[] People =
    [
        P("demo-ae-01", "مريم الفلاسي", "maryam.alfalasi@dubai-executive-council.gov.ae.example", "ae-dubai-exec-council", "ar", "programme coordinator", "coordinator"),
        P("demo-ae-02", "أحمد المنصوري", "ahmed.almansoori@dubai-executive-council.gov.ae.example", "ae-dubai-exec-council", "ar", "expert panel chair", "reviewer"),
        P("demo-ae-03", "Sarah Thompson", "sarah.thompson@dubai-executive-council.gov.ae.example", "ae-dubai-exec-council", "en", "international expert", "reviewer"),
        P("demo-ae-04", "خالد الشامسي", "khalid.alshamsi@dubaipolice.gov.ae.example", "ae-dubai-police", "ar", "excellence maker"),
        P("demo-ae-05", "فاطمة الهاشمي", "fatima.alhashemi@dubaipolice.gov.ae.example", "ae-dubai-police", "ar", "project lead"),
        P("demo-ae-06", "عمر السويدي", "omar.alsuwaidi@rta.ae.example", "ae-dubai-rta", "ar", "excellence maker"),
        P("demo-ae-07", "Priya Nair", "priya.nair@rta.ae.example", "ae-dubai-rta", "en", "benchmarking analyst"),
        P("demo-sa-01", "نورة القحطاني", "noura.alqahtani@moe.gov.sa.example", "sa-moe", "ar", "beneficiary care manager"),
        P("demo-sa-02", "عبدالله العتيبي", "abdullah.alotaibi@moe.gov.sa.example", "sa-moe", "ar", "requests officer"),
        P("demo-pl-01", "Anna Kowalska", "anna.kowalska@kprm.gov.pl.example", "pl-kprm", "pl", "Synergia coordinator", "coordinator"),
        P("demo-pl-02", "Piotr Wiśniewski", "piotr.wisniewski@kprm.gov.pl.example", "pl-kprm", "pl", "programme manager"),
        P("demo-pl-03", "Katarzyna Zielińska", "katarzyna.zielinska@kprm.gov.pl.example", "pl-kprm", "pl", "participant"),
        P("demo-pl-04", "Tomasz Lewandowski", "tomasz.lewandowski@cyfra.gov.pl.example", "pl-mc", "pl", "participant"),
        P("demo-pl-05", "Magdalena Wójcik", "magdalena.wojcik@cyfra.gov.pl.example", "pl-mc", "pl", "steering committee member", "reviewer"),
        P("demo-il-01", "נועה כהן", "noa.cohen@digital.gov.il.example", "il-digital", "he", "digital leaders programme manager", "coordinator"),
        P("demo-il-02", "יוסי לוי", "yossi.levi@digital.gov.il.example", "il-digital", "he", "cohort coordinator"),
        P("demo-il-03", "מיכל אברהם", "michal.avraham@ict.gov.il.example", "il-ict", "he", "participant"),
        P("demo-il-04", "דוד מזרחי", "david.mizrahi@csc.gov.il.example", "il-csc", "he", "steering committee member", "reviewer"),
        P("demo-il-05", "Rachel Green", "rachel.green@ict.gov.il.example", "il-ict", "en", "participant"),
        P("demo-gr-01", "Ελένη Παπαδοπούλου", "eleni.papadopoulou@ypes.gr.example", "gr-ypes", "el", "innovation network coordinator", "coordinator"),
        P("demo-gr-02", "Γιώργος Νικολάου", "giorgos.nikolaou@ypes.gr.example", "gr-ypes", "el", "workshop facilitator"),
        P("demo-gr-03", "Μαρία Γεωργίου", "maria.georgiou@cityofathens.gr.example", "gr-athens", "el", "network member"),
        P("demo-gr-04", "Κωνσταντίνος Δημητρίου", "konstantinos.dimitriou@cityofathens.gr.example", "gr-athens", "el", "network member"),
        P("demo-bg-01", "Мария Иванова", "maria.ivanova@ipa.government.bg.example", "bg-ipa", "bg", "Synergia partner"),
        P("demo-bg-02", "Георги Петров", "georgi.petrov@ipa.government.bg.example", "bg-ipa", "bg", "participant"),
        P("demo-lv-01", "Līga Bērziņa", "liga.berzina@vas.gov.lv.example", "lv-vas", "lv", "Synergia partner"),
        P("demo-lv-02", "Jānis Kalniņš", "janis.kalnins@vas.gov.lv.example", "lv-vas", "lv", "participant"),
        P("demo-hu-01", "Nagy Katalin", "katalin.nagy@uni-nke.hu.example", "hu-nke", "hu", "Synergia partner"),
        P("demo-hu-02", "Kovács Péter", "peter.kovacs@uni-nke.hu.example", "hu-nke", "hu", "participant"),
        P("demo-en-01", "James O'Connor", "james.oconnor@ypes.gr.example", "gr-ypes", "en", "international expert", "reviewer"),
    ];

    private static DemoPerson P(string id, string name, string email, string organisationId, string language, string networkRole, params string[] roles) =>
        new(id, name, email, organisationId, language, networkRole, ["member", .. roles]);
}
