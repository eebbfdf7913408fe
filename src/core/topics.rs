//! Which team a survey comment is for: a small multilingual keyword model
//! that runs on the shopper's device, so an owner can receive the topic of a
//! comment without its text (`survey-comments="topic-only"`).
//!
//! The model is a table of word stems per topic in English, German, French,
//! Spanish, Hebrew, Chinese and Arabic. A comment's topic is the one with the
//! most stems found in it (ties go to the earlier topic in [`Topic::ALL`]);
//! no stem found gives [`Topic::Other`]. Matching is on lowercase substrings,
//! which also covers scripts written without spaces (Chinese) and Hebrew and
//! Arabic prefixes (ה־, ال).

use crate::core::case::lowercase;

/// The teams a comment can be routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Delivery,
    Price,
    ProductQuality,
    Website,
    CustomerService,
    Other,
}

impl Topic {
    /// Every topic, in tie-break order.
    pub const ALL: [Topic; 6] = [
        Topic::Delivery,
        Topic::Price,
        Topic::ProductQuality,
        Topic::Website,
        Topic::CustomerService,
        Topic::Other,
    ];

    /// The wire name (`product-quality`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Delivery => "delivery",
            Self::Price => "price",
            Self::ProductQuality => "product-quality",
            Self::Website => "website",
            Self::CustomerService => "customer-service",
            Self::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name.trim())
    }
}

/// Stems per topic. Lowercase; keep each stem specific enough not to occur
/// inside unrelated words of the other languages.
const STEMS: &[(Topic, &[&str])] = &[
    (
        Topic::Delivery,
        &[
            // en
            "deliver",
            "shipping",
            "shipped",
            "courier",
            "parcel",
            "package",
            "arriv",
            "late",
            "tracking",
            "dispatch",
            // de
            "liefer",
            "versand",
            "paket",
            "zustell",
            "spät",
            "sendung",
            // fr
            "livr",
            "colis",
            "expédi",
            "retard",
            "transporteur",
            // es
            "entrega",
            "envío",
            "envio",
            "paquete",
            "llegó",
            "llego",
            "retras",
            "mensajer",
            // he
            "משלוח",
            "שליח",
            "חבילה",
            "הגיע",
            "איחור",
            "מסירה",
            // zh
            "快递",
            "送货",
            "物流",
            "配送",
            "发货",
            "到货",
            // ar
            "توصيل",
            "شحن",
            "الطرد",
            "تأخر",
            "وصل",
        ],
    ),
    (
        Topic::Price,
        &[
            // en
            "price",
            "expensive",
            "cheap",
            "cost",
            "discount",
            "coupon",
            "overpriced",
            "refund",
            // de
            "preis",
            "teuer",
            "billig",
            "günstig",
            "rabatt",
            "kosten",
            "gutschein",
            // fr
            "prix",
            "cher",
            "coût",
            "remise",
            "promo",
            "rembours",
            // es
            "precio",
            "caro",
            "barat",
            "descuento",
            "costo",
            "cupón",
            "reembolso",
            // he
            "מחיר",
            "יקר",
            "זול",
            "הנחה",
            "קופון",
            "החזר כספי",
            // zh
            "价格",
            "贵",
            "便宜",
            "折扣",
            "优惠",
            "退款",
            // ar
            "سعر",
            "غالي",
            "رخيص",
            "خصم",
            "تكلفة",
            "استرداد",
        ],
    ),
    (
        Topic::ProductQuality,
        &[
            // en
            "quality",
            "broken",
            "broke",
            "defect",
            "damaged",
            "fits",
            "size",
            "material",
            "works great",
            "stopped working",
            "faulty",
            // de
            "qualität",
            "kaputt",
            "defekt",
            "beschädigt",
            "größe",
            "passt",
            "stoff",
            // fr
            "qualité",
            "cassé",
            "défectueu",
            "abîmé",
            "taille",
            "tissu",
            "matière",
            // es
            "calidad",
            "roto",
            "defectuos",
            "dañad",
            "talla",
            "tela",
            // he
            "איכות",
            "שבור",
            "פגום",
            "מידה",
            "בד",
            "התקלקל",
            // zh
            "质量",
            "品质",
            "坏了",
            "破损",
            "尺寸",
            "材质",
            // ar
            "جودة",
            "مكسور",
            "معيب",
            "تالف",
            "مقاس",
            "خامة",
        ],
    ),
    (
        Topic::Website,
        &[
            // en
            "website",
            "site",
            "checkout",
            "page",
            "app",
            "search",
            "login",
            "password",
            "cart",
            "button",
            "slow to load",
            // de
            "webseite",
            "seite",
            "kasse",
            "suche",
            "anmeld",
            "warenkorb",
            // fr
            "site web",
            "paiement en ligne",
            "recherche",
            "connexion",
            "panier",
            "mot de passe",
            // es
            "sitio",
            "página",
            "pagina",
            "búsqueda",
            "busqueda",
            "contraseña",
            "carrito",
            // he
            "אתר",
            "עמוד",
            "חיפוש",
            "סיסמה",
            "עגלה",
            "כפתור",
            // zh
            "网站",
            "网页",
            "页面",
            "搜索",
            "登录",
            "购物车",
            "结账",
            // ar
            "الموقع",
            "موقع",
            "صفحة",
            "بحث",
            "تسجيل الدخول",
            "السلة",
        ],
    ),
    (
        Topic::CustomerService,
        &[
            // en
            "service",
            "support",
            "staff",
            "rude",
            "helpful",
            "answer",
            "repl",
            "call",
            "email",
            "agent",
            "return",
            // de
            "kundendienst",
            "kundenservice",
            "mitarbeiter",
            "unfreundlich",
            "hilfsbereit",
            "antwort",
            "rückgabe",
            // fr
            "service client",
            "personnel",
            "impoli",
            "réponse",
            "aimable",
            "conseill",
            // es
            "atención",
            "atencion",
            "servicio",
            "soporte",
            "amable",
            "respuesta",
            "devolución",
            // he
            "שירות",
            "נציג",
            "תמיכה",
            "אדיב",
            "גס רוח",
            "מענה",
            "החזרה",
            // zh
            "客服",
            "服务",
            "态度",
            "回复",
            "退货",
            // ar
            "خدمة",
            "الدعم",
            "موظف",
            "رد",
            "إرجاع",
        ],
    ),
];

/// The topic of a comment (see the module doc for how it is chosen).
pub fn classify(comment: &str) -> Topic {
    let text = lowercase(comment);
    let mut best = (0usize, Topic::Other);
    for (topic, stems) in STEMS {
        let hits = stems.iter().filter(|s| text.contains(*s)).count();
        if hits > best.0 {
            best = (hits, *topic);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_in_seven_languages() {
        use super::Topic::*;
        let cases = [
            ("The parcel arrived two weeks late", Delivery),
            ("Way too expensive for what it is", Price),
            (
                "The handle broke after one day, poor quality",
                ProductQuality,
            ),
            ("Checkout page kept freezing, could not log in", Website),
            (
                "Support staff were rude and never answered my email",
                CustomerService,
            ),
            ("Lovely!", Other),
            ("", Other),
            ("Die Lieferung kam viel zu spät", Delivery),
            ("Der Preis ist zu hoch, viel zu teuer", Price),
            (
                "Schlechte Qualität, nach einer Woche kaputt",
                ProductQuality,
            ),
            ("Der Kundendienst war unfreundlich", CustomerService),
            (
                "Livraison en retard, colis abîmé dans le transport",
                Delivery,
            ),
            ("Le prix est trop cher", Price),
            (
                "Le site web est très lent, la recherche ne marche pas",
                Website,
            ),
            ("El envío tardó mucho y el paquete llegó tarde", Delivery),
            ("Muy caro, el precio subió", Price),
            (
                "La calidad es mala, llegó roto y defectuoso",
                ProductQuality,
            ),
            ("המשלוח הגיע באיחור", Delivery),
            ("המחיר יקר מדי", Price),
            ("שירות לקוחות מצוין, נציג אדיב", CustomerService),
            ("האתר תקוע בעמוד החיפוש", Website),
            ("快递太慢了，物流三天没更新", Delivery),
            ("价格太贵了", Price),
            ("质量很差，用了一天就坏了", ProductQuality),
            ("客服态度很好", CustomerService),
            ("التوصيل تأخر كثيرا", Delivery),
            ("السعر غالي جدا", Price),
            ("جودة المنتج ممتازة", ProductQuality),
            ("خدمة العملاء ممتازة", CustomerService),
            ("DELIVERY WAS FAST", Delivery),
        ];
        for (comment, topic) in cases {
            assert_eq!(classify(comment), topic, "{comment}");
        }
    }

    #[test]
    fn names_round_trip() {
        for topic in Topic::ALL {
            assert_eq!(Topic::parse(topic.name()), Some(topic));
        }
        assert_eq!(Topic::parse("shipping"), None);
    }
}
