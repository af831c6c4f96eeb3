"""Plain data behind the demo cohort generator (mentormatch.demo.generator).

Weights are relative shares, not percentages. They approximate what an IMG mentoring
programme sees: residency applicants who trained abroad choose internal medicine far more
often than anything else; India sends the most, then Pakistan, Egypt, Nigeria and the
Philippines; mentors cluster where the academic centres are. Names, schools and hospitals are
plausible text for demo data only; no generated person is real.
"""

from __future__ import annotations

# --- Specialties -----------------------------------------------------------------------------

MENTEE_SPECIALTY_WEIGHTS: dict[str, float] = {
    "internal-medicine": 40, "pediatrics": 9, "family-medicine": 8.5, "psychiatry": 7,
    "neurology": 5, "pathology": 4.5, "general-surgery": 4, "anesthesiology": 3,
    "obstetrics-gynecology": 2.5, "diagnostic-radiology": 2.5, "emergency-medicine": 2,
    "physical-medicine-rehabilitation": 1.5, "preventive-medicine": 1, "dermatology": 1,
    "neurological-surgery": 0.8, "orthopaedic-surgery": 0.8, "ophthalmology": 0.7,
    "urology": 0.5, "radiation-oncology": 0.4, "plastic-surgery": 0.4, "otolaryngology": 0.3,
    "vascular-surgery": 0.3, "thoracic-surgery": 0.3,
}  # fmt: skip
MENTEE_SECOND_CHOICE_SHARE = 0.55

MENTOR_SPECIALTY_WEIGHTS: dict[str, float] = {
    "internal-medicine": 30, "pediatrics": 9, "family-medicine": 9, "psychiatry": 8,
    "neurology": 5, "pathology": 4, "general-surgery": 5, "anesthesiology": 5,
    "obstetrics-gynecology": 4, "diagnostic-radiology": 4, "emergency-medicine": 4,
    "physical-medicine-rehabilitation": 2, "preventive-medicine": 1, "dermatology": 1.5,
    "neurological-surgery": 1, "orthopaedic-surgery": 1.5, "ophthalmology": 1, "urology": 1,
    "radiation-oncology": 1, "plastic-surgery": 0.5, "otolaryngology": 1,
    "vascular-surgery": 0.5, "thoracic-surgery": 0.5,
}  # fmt: skip
# specialty -> (share of its mentors with a subspecialty, subspecialty weights)
MENTOR_SUBSPECIALTIES: dict[str, tuple[float, dict[str, float]]] = {
    "internal-medicine": (
        0.55,
        {
            "cardiology": 18, "pulmonary-critical-care": 14, "hematology-oncology": 14,
            "gastroenterology": 12, "infectious-disease": 10, "nephrology": 9,
            "endocrinology": 8, "rheumatology": 6, "geriatric-medicine": 5,
        },
    ),
    "psychiatry": (0.3, {"consultation-liaison-psychiatry": 1, "child-adolescent-psychiatry": 2}),
    "anesthesiology": (0.25, {"critical-care-anesthesiology": 1}),
    "pediatrics": (0.2, {"neonatology": 1}),
}  # fmt: skip

# Research topics that go with a specialty, beyond the specialty code itself.
RELATED_TOPICS: dict[str, tuple[str, ...]] = {
    "cardiology": ("cardiovascular",), "vascular-surgery": ("cardiovascular",),
    "thoracic-surgery": ("oncology",), "hematology-oncology": ("oncology",),
    "radiation-oncology": ("oncology",), "neurology": ("neuroscience",),
    "neurological-surgery": ("neuroscience",), "psychiatry": ("neuroscience",),
    "infectious-disease": ("infectious-disease-research",),
    "diagnostic-radiology": ("imaging",), "preventive-medicine": ("health-equity",),
    "family-medicine": ("health-equity",), "internal-medicine": ("outcomes-research",),
    "pathology": ("oncology",),
}  # fmt: skip
GENERAL_TOPIC_SHARES: dict[str, float] = {
    "global-health": 0.2, "health-equity": 0.15, "img-workforce": 0.12,
    "outcomes-research": 0.15,
}  # fmt: skip
MENTEE_STUDY_TYPE_WEIGHTS: dict[str, float] = {
    "case-report": 30, "systematic-review": 25, "meta-analysis": 18, "cohort-study": 12,
    "quality-improvement": 12, "case-series": 10, "qualitative-survey": 8,
    "epidemiology-public-health": 6, "clinical-trial": 5, "medical-education": 5,
    "basic-lab": 3,
}  # fmt: skip
MENTOR_STUDY_TYPE_WEIGHTS: dict[str, float] = {
    "cohort-study": 20, "clinical-trial": 15, "quality-improvement": 15,
    "systematic-review": 14, "meta-analysis": 8, "case-series": 8, "medical-education": 10,
    "qualitative-survey": 6, "epidemiology-public-health": 8, "basic-lab": 6,
    "case-report": 6,
}  # fmt: skip

# Free-text research tags (lower case) by specialty.
RESEARCH_TAGS: dict[str, tuple[str, ...]] = {
    "internal-medicine": (
        "hospital medicine",
        "diabetes",
        "hypertension",
        "sepsis",
        "readmissions",
    ),
    "cardiology": (
        "heart failure",
        "atrial fibrillation",
        "coronary artery disease",
        "echocardiography",
    ),
    "gastroenterology": ("inflammatory bowel disease", "cirrhosis", "colorectal cancer screening"),
    "hematology-oncology": ("lung cancer", "breast cancer", "lymphoma", "immunotherapy"),
    "infectious-disease": ("hiv", "tuberculosis", "antimicrobial stewardship", "covid-19"),
    "endocrinology": ("diabetes", "thyroid disease", "obesity"),
    "nephrology": ("chronic kidney disease", "dialysis", "acute kidney injury"),
    "pulmonary-critical-care": ("ards", "copd", "mechanical ventilation", "sepsis"),
    "rheumatology": ("lupus", "rheumatoid arthritis", "vasculitis"),
    "geriatric-medicine": ("delirium", "falls", "dementia care"),
    "pediatrics": ("childhood asthma", "vaccination", "neonatal sepsis", "child nutrition"),
    "neonatology": ("prematurity", "neonatal sepsis", "bronchopulmonary dysplasia"),
    "family-medicine": (
        "preventive care",
        "rural health",
        "chronic disease management",
        "telehealth",
    ),
    "psychiatry": ("depression", "schizophrenia", "substance use", "suicide prevention"),
    "child-adolescent-psychiatry": ("adhd", "autism", "adolescent depression"),
    "consultation-liaison-psychiatry": ("delirium", "psycho-oncology"),
    "neurology": ("stroke", "epilepsy", "multiple sclerosis", "headache", "dementia"),
    "pathology": ("digital pathology", "cytopathology", "molecular diagnostics"),
    "general-surgery": ("trauma", "bariatric surgery", "surgical outcomes", "hernia"),
    "anesthesiology": ("regional anesthesia", "perioperative outcomes", "pain management"),
    "critical-care-anesthesiology": ("ards", "perioperative outcomes", "sepsis"),
    "diagnostic-radiology": ("ai in radiology", "neuroradiology", "interventional radiology"),
    "obstetrics-gynecology": ("maternal mortality", "preeclampsia", "gynecologic oncology"),
    "emergency-medicine": ("trauma", "resuscitation", "emergency department crowding"),
    "physical-medicine-rehabilitation": (
        "stroke rehabilitation",
        "spinal cord injury",
        "sports medicine",
    ),
    "preventive-medicine": ("vaccination", "tobacco control", "cancer screening"),
    "dermatology": ("psoriasis", "melanoma", "skin of color"),
    "neurological-surgery": ("brain tumors", "spine surgery", "traumatic brain injury"),
    "orthopaedic-surgery": ("arthroplasty", "sports injuries", "fracture care"),
    "ophthalmology": ("glaucoma", "diabetic retinopathy", "cataract surgery"),
    "radiation-oncology": ("stereotactic radiotherapy", "head and neck cancer"),
    "urology": ("prostate cancer", "kidney stones"),
    "otolaryngology": ("head and neck cancer", "hearing loss"),
    "plastic-surgery": ("reconstructive surgery", "burns"),
    "vascular-surgery": ("peripheral artery disease", "aortic aneurysm"),
    "thoracic-surgery": ("lung cancer", "esophageal cancer"),
}

# --- Home countries --------------------------------------------------------------------------

HOME_COUNTRY_WEIGHTS: dict[str, float] = {
    "IN": 22, "PK": 10, "EG": 7, "NG": 6.5, "PH": 5, "BD": 3.5, "US": 3, "NP": 2.5, "JO": 2.5,
    "SY": 2.5, "IR": 2.5, "BR": 2, "MX": 2, "CO": 1.8, "SD": 1.5, "GH": 1.5, "UA": 1.5,
    "CN": 1.5, "KE": 1.2, "SA": 1.2, "LB": 1.2, "IQ": 1.2, "VE": 1.2, "DO": 1.2, "LK": 1,
    "ET": 1, "TR": 1, "CM": 1, "CU": 0.8, "PE": 0.8, "RU": 0.8, "MA": 0.6, "UG": 0.6,
    "PS": 0.6, "JM": 0.6, "ZW": 0.5, "ZA": 0.5, "TN": 0.5, "DZ": 0.5, "AF": 0.5, "YE": 0.5,
    "MM": 0.5, "KR": 0.5, "VN": 0.5, "AR": 0.5, "EC": 0.5, "HT": 0.5, "IL": 0.4, "GT": 0.4,
    "TT": 0.4,
}  # fmt: skip

# Degree by country of training; anything else is "md".
DEGREE_BY_COUNTRY: dict[str, str] = {
    **dict.fromkeys(
        ("IN", "PK", "BD", "NP", "LK", "NG", "SD", "SA", "YE", "MM", "JM", "TT", "CN"), "mbbs"
    ),
    **dict.fromkeys(("EG", "GH", "KE", "UG", "ZW", "ZA", "IQ"), "mbchb"),
}

# (always spoken, sometimes also spoken) besides English; ISO 639-1 codes.
LANGUAGES_BY_COUNTRY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "IN": (("hi",), ("te", "ta", "ml", "mr", "gu", "bn", "kn", "pa", "ur")),
    "PK": (("ur",), ("pa", "ps")),
    "BD": (("bn",), ()),
    "NP": (("ne",), ("hi",)),
    "LK": (("si",), ("ta",)),
    "AF": (("ps", "fa"), ()),
    "IR": (("fa",), ()),
    **dict.fromkeys(("EG", "JO", "SY", "SA", "IQ", "PS", "YE", "SD"), (("ar",), ())),
    "LB": (("ar",), ("fr",)),
    "MA": (("ar", "fr"), ()),
    "TN": (("ar", "fr"), ()),
    "DZ": (("ar", "fr"), ()),
    "NG": ((), ("yo", "ig", "ha")),
    "GH": ((), ("ak",)),
    "KE": (("sw",), ()),
    "UG": ((), ("lg", "sw")),
    "ET": (("am",), ()),
    "ZW": (("sn",), ()),
    "ZA": ((), ("zu", "af", "xh")),
    "CM": (("fr",), ()),
    "PH": (("tl",), ()),
    "BR": (("pt",), ("es",)),
    **dict.fromkeys(("MX", "CO", "VE", "PE", "DO", "CU", "AR", "EC", "GT"), (("es",), ())),
    "HT": (("ht", "fr"), ()),
    "JM": ((), ()),
    "TT": ((), ()),
    "UA": (("uk",), ("ru",)),
    "RU": (("ru",), ()),
    "TR": (("tr",), ()),
    "IL": (("he",), ()),
    "CN": (("zh",), ()),
    "KR": (("ko",), ()),
    "VN": (("vi",), ()),
    "MM": (("my",), ()),
    "US": ((), ("es",)),
}

MEDICAL_SCHOOLS: dict[str, tuple[str, ...]] = {
    "IN": (
        "All India Institute of Medical Sciences, New Delhi",
        "Maulana Azad Medical College, New Delhi",
        "Grant Government Medical College, Mumbai",
        "Madras Medical College, Chennai",
        "Christian Medical College, Vellore",
        "Kasturba Medical College, Manipal",
        "Osmania Medical College, Hyderabad",
        "Seth GS Medical College, Mumbai",
        "Government Medical College, Thiruvananthapuram",
        "B. J. Medical College, Ahmedabad",
        "Bangalore Medical College and Research Institute",
        "King George's Medical University, Lucknow",
        "Gandhi Medical College, Hyderabad",
        "Armed Forces Medical College, Pune",
        "Institute of Post Graduate Medical Education and Research, Kolkata",
    ),
    "PK": (
        "King Edward Medical University, Lahore",
        "Dow Medical College, Karachi",
        "Aga Khan University Medical College, Karachi",
        "Allama Iqbal Medical College, Lahore",
        "Khyber Medical College, Peshawar",
        "Rawalpindi Medical University",
        "Nishtar Medical University, Multan",
        "Army Medical College, Rawalpindi",
        "Fatima Jinnah Medical University, Lahore",
    ),
    "EG": (
        "Faculty of Medicine, Cairo University (Kasr Alainy)",
        "Faculty of Medicine, Ain Shams University",
        "Faculty of Medicine, Alexandria University",
        "Faculty of Medicine, Mansoura University",
        "Faculty of Medicine, Assiut University",
        "Faculty of Medicine, Tanta University",
        "Faculty of Medicine, Zagazig University",
    ),
    "NG": (
        "University of Lagos College of Medicine",
        "University of Ibadan College of Medicine",
        "University of Nigeria College of Medicine, Enugu",
        "Obafemi Awolowo University College of Health Sciences",
        "Ahmadu Bello University Faculty of Medicine, Zaria",
        "University of Benin School of Medicine",
        "Lagos State University College of Medicine",
    ),
    "PH": (
        "University of the Philippines College of Medicine",
        "University of Santo Tomas Faculty of Medicine and Surgery",
        "Far Eastern University - Nicanor Reyes Medical Foundation",
        "Cebu Doctors' University College of Medicine",
        "De La Salle Medical and Health Sciences Institute",
        "Pamantasan ng Lungsod ng Maynila College of Medicine",
        "St. Luke's Medical Center College of Medicine",
    ),
    "BD": (
        "Dhaka Medical College",
        "Sir Salimullah Medical College, Dhaka",
        "Chittagong Medical College",
        "Rajshahi Medical College",
        "Sylhet MAG Osmani Medical College",
        "Mymensingh Medical College",
    ),
    "US": (
        "St. George's University School of Medicine, Grenada",
        "Ross University School of Medicine, Barbados",
        "American University of the Caribbean School of Medicine, Sint Maarten",
        "Saba University School of Medicine",
        "American University of Antigua College of Medicine",
    ),
    "NP": (
        "Institute of Medicine, Tribhuvan University, Kathmandu",
        "B. P. Koirala Institute of Health Sciences, Dharan",
        "Kathmandu University School of Medical Sciences",
        "Manipal College of Medical Sciences, Pokhara",
        "Patan Academy of Health Sciences",
    ),
    "JO": (
        "University of Jordan School of Medicine",
        "Jordan University of Science and Technology Faculty of Medicine",
        "Hashemite University Faculty of Medicine",
        "Mutah University Faculty of Medicine",
    ),
    "SY": (
        "Damascus University Faculty of Medicine",
        "University of Aleppo Faculty of Medicine",
        "Tishreen University Faculty of Medicine, Latakia",
    ),
    "IR": (
        "Tehran University of Medical Sciences",
        "Shiraz University of Medical Sciences",
        "Shahid Beheshti University of Medical Sciences",
        "Iran University of Medical Sciences",
        "Mashhad University of Medical Sciences",
        "Tabriz University of Medical Sciences",
    ),
    "BR": (
        "Faculdade de Medicina da Universidade de São Paulo",
        "Universidade Federal do Rio de Janeiro",
        "Universidade Federal de Minas Gerais",
        "Universidade Estadual de Campinas",
        "Escola Paulista de Medicina, UNIFESP",
        "Universidade Federal do Rio Grande do Sul",
    ),
    "MX": (
        "Facultad de Medicina, Universidad Nacional Autónoma de México",
        "Universidad de Guadalajara",
        "Universidad Autónoma de Nuevo León",
        "Tecnológico de Monterrey Escuela de Medicina",
        "Universidad Anáhuac México",
    ),
    "CO": (
        "Universidad Nacional de Colombia",
        "Pontificia Universidad Javeriana",
        "Universidad de Antioquia",
        "Universidad del Rosario",
        "Universidad del Valle",
    ),
    "SD": (
        "University of Khartoum Faculty of Medicine",
        "University of Gezira Faculty of Medicine",
        "Ahfad University for Women School of Medicine",
    ),
    "GH": (
        "University of Ghana Medical School",
        "Kwame Nkrumah University of Science and Technology School of Medicine",
        "University of Cape Coast School of Medical Sciences",
    ),
    "UA": (
        "Bogomolets National Medical University, Kyiv",
        "Lviv National Medical University",
        "Kharkiv National Medical University",
        "Odesa National Medical University",
    ),
    "CN": (
        "Peking Union Medical College",
        "Fudan University Shanghai Medical College",
        "Sun Yat-sen University Zhongshan School of Medicine",
        "Sichuan University West China School of Medicine",
    ),
    "KE": (
        "University of Nairobi School of Medicine",
        "Moi University School of Medicine",
        "Kenyatta University School of Medicine",
    ),
    "SA": (
        "King Saud University College of Medicine",
        "King Abdulaziz University Faculty of Medicine",
        "Imam Abdulrahman Bin Faisal University College of Medicine",
    ),
    "LB": (
        "American University of Beirut Faculty of Medicine",
        "Lebanese University Faculty of Medical Sciences",
        "Saint Joseph University Faculty of Medicine",
    ),
    "IQ": (
        "University of Baghdad College of Medicine",
        "Al-Mustansiriyah University College of Medicine",
        "University of Mosul College of Medicine",
    ),
    "VE": (
        "Universidad Central de Venezuela",
        "Universidad del Zulia",
        "Universidad de Los Andes, Mérida",
    ),
    "DO": (
        "Universidad Autónoma de Santo Domingo",
        "Pontificia Universidad Católica Madre y Maestra",
        "Universidad Iberoamericana (UNIBE)",
    ),
    "LK": (
        "University of Colombo Faculty of Medicine",
        "University of Peradeniya Faculty of Medicine",
        "University of Kelaniya Faculty of Medicine",
    ),
    "ET": (
        "Addis Ababa University School of Medicine",
        "University of Gondar College of Medicine",
        "Jimma University Institute of Health",
    ),
    "TR": (
        "Hacettepe University Faculty of Medicine",
        "Istanbul University-Cerrahpaşa Faculty of Medicine",
        "Ankara University Faculty of Medicine",
    ),
    "CM": (
        "Faculty of Medicine and Biomedical Sciences, University of Yaoundé I",
        "University of Buea Faculty of Health Sciences",
    ),
    "CU": (
        "Universidad de Ciencias Médicas de La Habana",
        "Latin American School of Medicine (ELAM), Havana",
    ),
    "PE": ("Universidad Peruana Cayetano Heredia", "Universidad Nacional Mayor de San Marcos"),
    "RU": (
        "Sechenov First Moscow State Medical University",
        "Pirogov Russian National Research Medical University",
        "Pavlov First Saint Petersburg State Medical University",
    ),
    "MA": (
        "Faculté de Médecine et de Pharmacie de Casablanca",
        "Faculté de Médecine et de Pharmacie de Rabat",
    ),
    "UG": (
        "Makerere University College of Health Sciences",
        "Mbarara University of Science and Technology",
    ),
    "PS": (
        "Al-Quds University Faculty of Medicine",
        "An-Najah National University Faculty of Medicine",
    ),
    "JM": ("University of the West Indies, Mona",),
    "ZW": (
        "University of Zimbabwe College of Health Sciences",
        "National University of Science and Technology, Bulawayo",
    ),
    "ZA": (
        "University of Cape Town Faculty of Health Sciences",
        "University of the Witwatersrand",
        "University of KwaZulu-Natal Nelson R. Mandela School of Medicine",
    ),
    "TN": ("Faculté de Médecine de Tunis", "Faculté de Médecine de Sfax"),
    "DZ": ("Faculté de Médecine d'Alger", "Faculté de Médecine d'Oran"),
    "AF": ("Kabul University of Medical Sciences", "Herat University Faculty of Medicine"),
    "YE": ("Sana'a University Faculty of Medicine", "University of Aden Faculty of Medicine"),
    "MM": ("University of Medicine 1, Yangon", "University of Medicine, Mandalay"),
    "KR": (
        "Seoul National University College of Medicine",
        "Yonsei University College of Medicine",
    ),
    "VN": ("Hanoi Medical University", "University of Medicine and Pharmacy at Ho Chi Minh City"),
    "AR": ("Facultad de Medicina, Universidad de Buenos Aires", "Universidad Nacional de Córdoba"),
    "EC": ("Universidad Central del Ecuador", "Pontificia Universidad Católica del Ecuador"),
    "HT": (
        "Faculté de Médecine et de Pharmacie, Université d'État d'Haïti",
        "Université Quisqueya",
    ),
    "IL": ("Tel Aviv University Faculty of Medicine", "Hebrew University-Hadassah Medical School"),
    "GT": ("Universidad de San Carlos de Guatemala", "Universidad Francisco Marroquín"),
    "TT": ("University of the West Indies, St. Augustine",),
}

# --- Names: (first names, last names) per naming tradition ----------------------------------

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "india": (
        ("Aarav", "Aditya", "Ananya", "Anjali", "Arjun", "Deepika", "Divya", "Gaurav", "Harini",
         "Ishaan", "Karthik", "Kavya", "Lakshmi", "Manish", "Meera", "Neha", "Nikhil", "Pooja",
         "Pranav", "Priya", "Rahul", "Rohan", "Sanjay", "Shreya", "Sneha", "Suresh", "Tanvi",
         "Varun", "Vikram", "Vivek", "Imran", "Sana", "Farhan", "Sai"),
        ("Sharma", "Patel", "Reddy", "Iyer", "Nair", "Gupta", "Singh", "Kumar", "Rao", "Menon",
         "Desai", "Joshi", "Mehta", "Verma", "Agarwal", "Chatterjee", "Banerjee", "Mukherjee",
         "Pillai", "Krishnan", "Kapoor", "Malhotra", "Bhat", "Naidu", "Shetty", "Khan", "Das",
         "Mishra", "Pandey", "Ahmed"),
    ),
    "pakistan": (
        ("Ahmed", "Ali", "Ayesha", "Bilal", "Fatima", "Hamza", "Hassan", "Hira", "Imran", "Iqra",
         "Kashif", "Mahnoor", "Maryam", "Muhammad", "Noor", "Omar", "Saad", "Sana", "Sara",
         "Shahid", "Usman", "Zainab", "Zara", "Zeeshan", "Asad", "Amna", "Farhan", "Rabia"),
        ("Khan", "Ahmed", "Malik", "Qureshi", "Chaudhry", "Butt", "Sheikh", "Raza", "Hussain",
         "Siddiqui", "Javed", "Iqbal", "Mirza", "Akhtar", "Aslam", "Bhatti", "Abbasi", "Shah",
         "Rana", "Awan"),
    ),
    "bangladesh": (
        ("Abdullah", "Farhana", "Nusrat", "Tanvir", "Rafiq", "Sabrina", "Mahmud", "Nasrin",
         "Arif", "Shirin", "Rashed", "Tasnim", "Imtiaz", "Sharmin", "Kamrul", "Sadia"),
        ("Rahman", "Hossain", "Islam", "Ahmed", "Chowdhury", "Alam", "Uddin", "Sarker",
         "Talukder", "Karim", "Haque", "Miah"),
    ),
    "nepal": (
        ("Aashish", "Bibek", "Bikash", "Prakash", "Sushma", "Anisha", "Sabina", "Rajesh",
         "Sunita", "Nabin", "Pratiksha", "Roshan", "Samjhana", "Dipesh"),
        ("Shrestha", "Sharma", "Adhikari", "Thapa", "Gurung", "Karki", "Poudel", "Bhattarai",
         "Rai", "Tamang", "Maharjan", "Koirala"),
    ),
    "sri-lanka": (
        ("Nuwan", "Dilini", "Kasun", "Tharushi", "Chamara", "Ishara", "Ruwan", "Sanduni",
         "Lahiru", "Nadeesha"),
        ("Perera", "Fernando", "Silva", "Jayasinghe", "Wickramasinghe", "Bandara",
         "Dissanayake", "Gunawardena", "Herath"),
    ),
    "afghanistan": (
        ("Ahmad", "Farid", "Naveed", "Wahid", "Mariam", "Nargis", "Zahra", "Sahar", "Hamid",
         "Javid"),
        ("Ahmadzai", "Popal", "Stanekzai", "Rahimi", "Noori", "Sultani", "Hakimi", "Wardak",
         "Safi"),
    ),
    "arab": (
        ("Ahmed", "Mohamed", "Mahmoud", "Omar", "Youssef", "Khaled", "Mostafa", "Hassan", "Ali",
         "Karim", "Tarek", "Amr", "Nour", "Mariam", "Salma", "Yasmin", "Heba", "Rania", "Dina",
         "Aya", "Layla", "Rana", "Lina", "Hala", "Reem", "Sara", "Fatima", "Abdullah", "Hamza",
         "Rami", "Basel", "Samer"),
        ("Hassan", "Mahmoud", "Ibrahim", "Abdelrahman", "El-Sayed", "Mostafa", "Saleh",
         "Khalil", "Haddad", "Nasser", "Al-Masri", "Khoury", "Mansour", "Farouk", "Abdallah",
         "Awad", "Suleiman", "Darwish", "Hamdan", "Qasem", "Osman", "Yousef", "Zaki", "Fawzy",
         "Barakat", "Jaber", "Aziz"),
    ),
    "iran": (
        ("Ali", "Reza", "Mohammad", "Amir", "Hossein", "Mehdi", "Sara", "Maryam", "Zahra",
         "Fatemeh", "Niloufar", "Parisa", "Shirin", "Arash", "Kian", "Leila", "Neda", "Babak"),
        ("Hosseini", "Mohammadi", "Ahmadi", "Rezaei", "Moradi", "Karimi", "Rahimi", "Jafari",
         "Tehrani", "Sadeghi", "Ghorbani", "Kazemi", "Naderi", "Shirazi"),
    ),
    "nigeria": (
        ("Chinedu", "Ngozi", "Oluwaseun", "Adebayo", "Temitope", "Chiamaka", "Emeka", "Ifeoma",
         "Funmilayo", "Tunde", "Blessing", "Olamide", "Obinna", "Chidinma", "Ibrahim", "Aisha",
         "Musa", "Amina", "Kelechi", "Damilola", "Uche", "Yetunde", "Segun", "Bolanle"),
        ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Ogunleye", "Nwosu", "Abubakar",
         "Olawale", "Ibrahim", "Obi", "Chukwu", "Okeke", "Bello", "Ojo", "Afolabi", "Nnamdi",
         "Danjuma", "Usman"),
    ),
    "ghana": (
        ("Kwame", "Kofi", "Ama", "Akosua", "Yaw", "Abena", "Kwabena", "Efua", "Kojo", "Adwoa",
         "Nana", "Esi", "Kwaku", "Afia"),
        ("Mensah", "Owusu", "Boateng", "Asante", "Osei", "Appiah", "Acheampong", "Ofori",
         "Agyeman", "Darko", "Amoah", "Addo"),
    ),
    "cameroon": (
        ("Jean", "Marie", "Paul", "Christelle", "Armand", "Brice", "Estelle", "Yannick",
         "Aurelie", "Herve"),
        ("Nkwenti", "Mbah", "Fotso", "Nguema", "Ekane", "Fon", "Nji", "Tabi", "Mbarga"),
    ),
    "east-africa": (
        ("Wanjiru", "Kamau", "Njeri", "Otieno", "Achieng", "Mwangi", "Atieno", "Kiprop",
         "Wambui", "Ochieng", "Nakato", "Mugisha", "Akello", "Brian", "Faith", "Mercy",
         "Dennis", "Collins", "Esther"),
        ("Kamau", "Otieno", "Mwangi", "Ochieng", "Kiprop", "Wanjiku", "Njoroge", "Odhiambo",
         "Mutua", "Mugisha", "Okello", "Ssemwanga", "Byaruhanga"),
    ),
    "ethiopia": (
        ("Abebe", "Selam", "Tigist", "Dawit", "Hiwot", "Yonas", "Meron", "Bereket", "Liya",
         "Samuel", "Henok", "Rahel"),
        ("Tesfaye", "Bekele", "Haile", "Girma", "Alemu", "Tadesse", "Mekonnen", "Wolde",
         "Kebede", "Getachew"),
    ),
    "southern-africa": (
        ("Tendai", "Tatenda", "Nyasha", "Farai", "Thabo", "Lerato", "Sipho", "Naledi",
         "Tinashe", "Rudo"),
        ("Moyo", "Ncube", "Dube", "Nkosi", "Dlamini", "Khumalo", "Mokoena", "Sibanda",
         "Mahlangu"),
    ),
    "philippines": (
        ("Angelica", "Carlo", "Patricia", "Miguel", "Kristine", "Paolo", "Camille", "Rafael",
         "Bea", "Jerome", "Joanna", "Mark Anthony", "Katrina", "Jericho", "Maria Clara", "Jose"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Dela Cruz", "Villanueva",
         "Aquino", "Ramos", "Castillo", "Navarro", "Soriano", "Tan", "Lim", "Gonzales",
         "De Leon", "Manalo"),
    ),
    "hispanic": (
        ("José", "María", "Juan", "Carlos", "Ana", "Luis", "Daniela", "Andrés", "Valentina",
         "Alejandro", "Camila", "Diego", "Sofía", "Gabriela", "Javier", "Fernanda", "Santiago",
         "Mariana", "Ricardo", "Paola", "Miguel", "Isabel", "Sebastián", "Natalia"),
        ("García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez",
         "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Vargas",
         "Castro", "Morales", "Ortiz", "Jiménez", "Rojas", "Mendoza", "Herrera", "Medina",
         "Aguilar"),
    ),
    "brazil": (
        ("João", "Lucas", "Gabriel", "Mateus", "Pedro", "Rafael", "Felipe", "Ana", "Beatriz",
         "Júlia", "Mariana", "Larissa", "Camila", "Fernanda", "Letícia", "Thiago", "Bruno",
         "Carolina", "Isabela", "Gustavo"),
        ("Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira",
         "Almeida", "Carvalho", "Ribeiro", "Rocha", "Gomes", "Araújo", "Barbosa", "Cardoso",
         "Nascimento", "Moreira"),
    ),
    "caribbean": (
        ("Andre", "Kimberly", "Shanice", "Damion", "Tamara", "Kemar", "Kerry-Ann", "Jason",
         "Renee", "Marcus", "Alicia", "Rohan"),
        ("Brown", "Campbell", "Williams", "Thompson", "Clarke", "Grant", "Reid", "Francis",
         "Maharaj", "Ramdial", "Persad", "Baptiste"),
    ),
    "haiti": (
        ("Jean-Pierre", "Marie", "Widline", "Fritz", "Nadège", "Stanley", "Roseline", "Jude",
         "Mirlande", "Ricardo"),
        ("Pierre", "Joseph", "Jean-Baptiste", "Louis", "Charles", "Désir", "Étienne", "Dorvil",
         "Célestin", "Augustin"),
    ),
    "ukraine": (
        ("Oleksandr", "Olena", "Andriy", "Iryna", "Dmytro", "Kateryna", "Yulia", "Serhiy",
         "Anastasiia", "Maksym", "Viktoriia", "Taras"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko",
         "Koval", "Oliynyk", "Lysenko"),
    ),
    "russia": (
        ("Alexei", "Dmitri", "Elena", "Natalia", "Sergei", "Olga", "Ivan", "Anna", "Mikhail",
         "Tatiana"),
        ("Ivanov", "Smirnov", "Kuznetsov", "Popov", "Volkov", "Sokolov", "Lebedev", "Kozlov",
         "Novikov", "Morozov"),
    ),
    "turkey": (
        ("Mehmet", "Ayşe", "Emre", "Elif", "Burak", "Zeynep", "Can", "Merve", "Oğuz", "Selin"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan",
         "Doğan"),
    ),
    "israel": (
        ("Noa", "Yael", "Daniel", "Itai", "Tamar", "Omer", "Maya", "Eitan"),
        ("Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Katz", "Shapiro"),
    ),
    "china": (
        ("Wei", "Jing", "Hao", "Xinyi", "Yutong", "Jun", "Lei", "Mei", "Zihan", "Hui"),
        ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"),
    ),
    "korea": (
        ("Min-jun", "Seo-yeon", "Ji-ho", "Ji-woo", "Hyun-woo", "Soo-jin", "Jae-won", "Eun-ji"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"),
    ),
    "vietnam": (
        ("Anh", "Minh", "Linh", "Huong", "Tuan", "Thao", "Quang", "Trang", "Duc", "Mai"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do"),
    ),
    "myanmar": (
        ("Aung", "Thandar", "Zaw", "Hnin", "Kyaw", "Myat", "Htet", "Su"),
        ("Win", "Oo", "Htun", "Myint", "Naing", "Thu", "Aung", "Lwin"),
    ),
    "us": (
        ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Robert", "Ashley", "John",
         "Jennifer", "Christopher", "Amanda", "Daniel", "Elizabeth", "Matthew", "Lauren",
         "Andrew", "Rachel", "Kevin", "Megan", "Brian", "Nicole", "Jonathan", "Rebecca",
         "Carlos", "Maria", "Wei", "Priya", "Jamal", "Aisha", "Kenji", "Grace"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
         "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
         "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
         "Scott", "Garcia", "Martinez", "Rodriguez", "Nguyen", "Kim", "Chen", "Patel", "Cohen",
         "O'Brien", "Murphy", "Sullivan", "Washington"),
    ),
}  # fmt: skip

NAME_TRADITION: dict[str, str] = {
    "IN": "india",
    "PK": "pakistan",
    "BD": "bangladesh",
    "NP": "nepal",
    "LK": "sri-lanka",
    "AF": "afghanistan",
    "IR": "iran",
    "NG": "nigeria",
    "GH": "ghana",
    "CM": "cameroon",
    "KE": "east-africa",
    "UG": "east-africa",
    "ET": "ethiopia",
    "ZW": "southern-africa",
    "ZA": "southern-africa",
    "PH": "philippines",
    "BR": "brazil",
    "JM": "caribbean",
    "TT": "caribbean",
    "HT": "haiti",
    "UA": "ukraine",
    "RU": "russia",
    "TR": "turkey",
    "IL": "israel",
    "CN": "china",
    "KR": "korea",
    "VN": "vietnam",
    "MM": "myanmar",
    "US": "us",
    **dict.fromkeys(
        ("EG", "JO", "SY", "SA", "LB", "IQ", "PS", "YE", "SD", "MA", "TN", "DZ"), "arab"
    ),
    **dict.fromkeys(("MX", "CO", "VE", "PE", "DO", "CU", "AR", "EC", "GT"), "hispanic"),
}

# --- US geography ----------------------------------------------------------------------------

# Where mentees would like to train: the states with many IMG-friendly programmes lead.
PREFERRED_STATE_WEIGHTS: dict[str, float] = {
    "NY": 14, "TX": 8, "NJ": 7, "PA": 7, "FL": 7, "MI": 6, "IL": 6, "CA": 6, "OH": 5, "MD": 4,
    "MA": 3, "GA": 3, "NC": 3, "CT": 2.5, "VA": 2, "WI": 2, "MN": 2, "MO": 2, "TN": 2,
    "KY": 1.5, "IN": 1.5, "LA": 1.5, "AZ": 1.5, "WA": 1.5, "DC": 1.5, "AL": 1, "SC": 1,
    "OK": 1, "IA": 1, "KS": 0.8, "NE": 0.8, "CO": 0.8, "WV": 0.8, "AR": 0.8, "MS": 0.6,
    "NV": 0.6, "NM": 0.5, "DE": 0.5, "RI": 0.5, "OR": 0.5, "UT": 0.4, "HI": 0.3, "PR": 0.3,
    "NH": 0.3, "ME": 0.3, "VT": 0.2, "ND": 0.3, "SD": 0.3, "ID": 0.2, "MT": 0.2, "WY": 0.1,
    "AK": 0.1,
}  # fmt: skip
PREFERRED_DIVISION_WEIGHTS: dict[str, float] = {
    "middle-atlantic": 6, "east-north-central": 5, "south-atlantic": 4, "west-south-central": 2,
    "new-england": 2, "pacific": 2, "west-north-central": 1, "east-south-central": 1,
    "mountain": 1,
}  # fmt: skip

# Mentors by state: roughly population, tilted towards academic centres.
MENTOR_STATE_WEIGHTS: dict[str, float] = {
    "NY": 12, "CA": 11, "TX": 8, "PA": 6.5, "FL": 5.5, "MA": 5, "IL": 5, "OH": 4.5, "MI": 4,
    "NC": 3.5, "MD": 3.5, "NJ": 3.5, "GA": 3, "VA": 2.5, "MO": 2.5, "TN": 2.5, "MN": 2,
    "WA": 2, "WI": 2, "CT": 2, "AZ": 1.8, "IN": 1.8, "CO": 1.6, "DC": 1.5, "LA": 1.5,
    "AL": 1.3, "KY": 1.2, "SC": 1.2, "OR": 1, "OK": 0.8, "UT": 0.8, "IA": 0.8, "KS": 0.7,
    "NE": 0.7, "AR": 0.6, "WV": 0.6, "RI": 0.6, "MS": 0.5, "NV": 0.5, "NM": 0.5, "PR": 0.5,
    "NH": 0.4, "ME": 0.4, "HI": 0.4, "VT": 0.3, "DE": 0.3, "ID": 0.2, "MT": 0.2, "ND": 0.2,
    "SD": 0.2, "WY": 0.1, "AK": 0.1,
}  # fmt: skip

# state -> (academic centres as "institution|city", community hospital cities)
STATE_SITES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "AL": (
        (
            "University of Alabama at Birmingham Hospital|Birmingham",
            "University of South Alabama Health|Mobile",
        ),
        ("Huntsville", "Montgomery"),
    ),
    "AK": (("Alaska Native Medical Center|Anchorage",), ("Anchorage", "Fairbanks")),
    "AZ": (
        (
            "Banner - University Medical Center Phoenix|Phoenix",
            "Banner - University Medical Center Tucson|Tucson",
        ),
        ("Mesa", "Scottsdale", "Flagstaff"),
    ),
    "AR": (
        ("University of Arkansas for Medical Sciences|Little Rock",),
        ("Fort Smith", "Jonesboro"),
    ),
    "CA": (
        (
            "UCSF Medical Center|San Francisco",
            "UCLA Medical Center|Los Angeles",
            "Stanford Health Care|Stanford",
            "UC San Diego Health|San Diego",
            "UC Davis Medical Center|Sacramento",
            "Cedars-Sinai Medical Center|Los Angeles",
            "Loma Linda University Medical Center|Loma Linda",
        ),
        ("Fresno", "Bakersfield", "Riverside", "Oakland", "San Jose", "Modesto"),
    ),
    "CO": (("University of Colorado Hospital|Aurora",), ("Denver", "Colorado Springs", "Pueblo")),
    "CT": (
        ("Yale New Haven Hospital|New Haven", "UConn Health|Farmington"),
        ("Hartford", "Bridgeport", "Waterbury"),
    ),
    "DE": (("ChristianaCare|Newark",), ("Wilmington", "Dover")),
    "DC": (
        (
            "MedStar Georgetown University Hospital|Washington",
            "George Washington University Hospital|Washington",
            "Howard University Hospital|Washington",
        ),
        ("Washington",),
    ),
    "FL": (
        (
            "UF Health Shands Hospital|Gainesville",
            "University of Miami / Jackson Memorial Hospital|Miami",
            "Tampa General Hospital (USF)|Tampa",
            "Mayo Clinic Florida|Jacksonville",
        ),
        ("Orlando", "Fort Lauderdale", "Tallahassee", "Pensacola", "St. Petersburg"),
    ),
    "GA": (
        ("Emory University Hospital|Atlanta", "Wellstar MCG Health|Augusta"),
        ("Savannah", "Macon", "Columbus", "Atlanta"),
    ),
    "HI": (("The Queen's Medical Center (University of Hawaii)|Honolulu",), ("Honolulu", "Hilo")),
    "ID": (("University of Washington Idaho Residency Network|Boise",), ("Boise", "Pocatello")),
    "IL": (
        (
            "Northwestern Memorial Hospital|Chicago",
            "University of Chicago Medical Center|Chicago",
            "Rush University Medical Center|Chicago",
            "UI Health|Chicago",
            "Loyola University Medical Center|Maywood",
        ),
        ("Peoria", "Springfield", "Rockford", "Evanston", "Oak Lawn"),
    ),
    "IN": (
        ("Indiana University Health Methodist Hospital|Indianapolis",),
        ("Fort Wayne", "Evansville", "Muncie"),
    ),
    "IA": (
        ("University of Iowa Hospitals and Clinics|Iowa City",),
        ("Des Moines", "Cedar Rapids"),
    ),
    "KS": (("University of Kansas Medical Center|Kansas City",), ("Wichita", "Topeka")),
    "KY": (
        ("University of Kentucky HealthCare|Lexington", "UofL Health|Louisville"),
        ("Bowling Green", "Pikeville"),
    ),
    "LA": (
        (
            "Tulane Medical Center|New Orleans",
            "Ochsner Medical Center|New Orleans",
            "LSU Health Shreveport|Shreveport",
        ),
        ("Baton Rouge", "Lafayette", "Monroe"),
    ),
    "ME": (("Maine Medical Center|Portland",), ("Bangor", "Lewiston")),
    "MD": (
        ("Johns Hopkins Hospital|Baltimore", "University of Maryland Medical Center|Baltimore"),
        ("Baltimore", "Silver Spring", "Annapolis", "Cheverly"),
    ),
    "MA": (
        (
            "Massachusetts General Hospital|Boston",
            "Brigham and Women's Hospital|Boston",
            "Boston Medical Center|Boston",
            "UMass Memorial Medical Center|Worcester",
            "Beth Israel Deaconess Medical Center|Boston",
        ),
        ("Springfield", "Worcester", "Lowell"),
    ),
    "MI": (
        (
            "Michigan Medicine|Ann Arbor",
            "Henry Ford Hospital|Detroit",
            "Detroit Medical Center (Wayne State)|Detroit",
            "Corewell Health William Beaumont|Royal Oak",
        ),
        ("Grand Rapids", "Flint", "Lansing", "Dearborn", "Kalamazoo"),
    ),
    "MN": (
        ("Mayo Clinic|Rochester", "University of Minnesota Medical Center|Minneapolis"),
        ("St. Paul", "Duluth"),
    ),
    "MS": (("University of Mississippi Medical Center|Jackson",), ("Gulfport", "Tupelo")),
    "MO": (
        (
            "Barnes-Jewish Hospital (Washington University)|St. Louis",
            "University of Missouri Health Care|Columbia",
            "Saint Louis University Hospital|St. Louis",
        ),
        ("Kansas City", "Springfield"),
    ),
    "MT": (("Montana Family Medicine Residency|Billings",), ("Billings", "Missoula")),
    "NE": (
        ("Nebraska Medicine|Omaha", "CHI Health Creighton University Medical Center|Omaha"),
        ("Lincoln", "Kearney"),
    ),
    "NV": (("University Medical Center of Southern Nevada|Las Vegas",), ("Reno", "Henderson")),
    "NH": (("Dartmouth Hitchcock Medical Center|Lebanon",), ("Manchester", "Concord")),
    "NJ": (
        (
            "Rutgers New Jersey Medical School / University Hospital|Newark",
            "Robert Wood Johnson University Hospital|New Brunswick",
            "Hackensack University Medical Center|Hackensack",
            "Cooper University Hospital|Camden",
        ),
        ("Paterson", "Jersey City", "Trenton", "Elizabeth", "Atlantic City"),
    ),
    "NM": (("University of New Mexico Hospital|Albuquerque",), ("Las Cruces", "Santa Fe")),
    "NY": (
        (
            "NewYork-Presbyterian / Columbia|New York",
            "Mount Sinai Hospital|New York",
            "NYU Langone Health|New York",
            "Montefiore Medical Center|Bronx",
            "SUNY Downstate Health Sciences University|Brooklyn",
            "University of Rochester Medical Center|Rochester",
            "Jacobs School of Medicine, University at Buffalo|Buffalo",
            "Northwell Health|Manhasset",
            "Albany Medical Center|Albany",
            "SUNY Upstate Medical University|Syracuse",
        ),
        ("Brooklyn", "Queens", "Bronx", "Staten Island", "Yonkers", "Jamaica", "Flushing"),
    ),
    "NC": (
        (
            "Duke University Hospital|Durham",
            "UNC Hospitals|Chapel Hill",
            "Atrium Health Wake Forest Baptist|Winston-Salem",
            "ECU Health Medical Center|Greenville",
        ),
        ("Charlotte", "Raleigh", "Asheville"),
    ),
    "ND": (("University of North Dakota School of Medicine|Grand Forks",), ("Fargo", "Bismarck")),
    "OH": (
        (
            "Cleveland Clinic|Cleveland",
            "Ohio State University Wexner Medical Center|Columbus",
            "University of Cincinnati Medical Center|Cincinnati",
            "University Hospitals Cleveland Medical Center|Cleveland",
        ),
        ("Toledo", "Akron", "Dayton", "Youngstown", "Canton"),
    ),
    "OK": (("OU Health|Oklahoma City",), ("Tulsa", "Lawton")),
    "OR": (("Oregon Health & Science University|Portland",), ("Eugene", "Salem")),
    "PA": (
        (
            "Hospital of the University of Pennsylvania|Philadelphia",
            "UPMC Presbyterian|Pittsburgh",
            "Thomas Jefferson University Hospital|Philadelphia",
            "Penn State Health Milton S. Hershey Medical Center|Hershey",
            "Temple University Hospital|Philadelphia",
            "Allegheny General Hospital|Pittsburgh",
        ),
        ("Scranton", "Allentown", "Erie", "Harrisburg", "Lancaster", "Reading"),
    ),
    "RI": (("Rhode Island Hospital (Brown)|Providence",), ("Providence", "Pawtucket")),
    "SC": (("MUSC Health|Charleston", "Prisma Health|Columbia"), ("Greenville", "Spartanburg")),
    "SD": (("Sanford USD Medical Center|Sioux Falls",), ("Rapid City",)),
    "TN": (
        (
            "Vanderbilt University Medical Center|Nashville",
            "University of Tennessee Health Science Center|Memphis",
        ),
        ("Knoxville", "Chattanooga", "Johnson City"),
    ),
    "TX": (
        (
            "UT Southwestern Medical Center|Dallas",
            "Baylor College of Medicine|Houston",
            "UTHealth Houston|Houston",
            "UT Health San Antonio|San Antonio",
            "UTMB Health|Galveston",
            "Texas Tech University Health Sciences Center|Lubbock",
            "Dell Medical School|Austin",
        ),
        ("El Paso", "Fort Worth", "Corpus Christi", "Odessa", "McAllen", "Temple"),
    ),
    "UT": (("University of Utah Health|Salt Lake City",), ("Provo", "Ogden")),
    "VT": (("University of Vermont Medical Center|Burlington",), ("Rutland",)),
    "VA": (
        (
            "UVA Health|Charlottesville",
            "VCU Health|Richmond",
            "Eastern Virginia Medical School|Norfolk",
        ),
        ("Roanoke", "Fairfax", "Lynchburg"),
    ),
    "WA": (("UW Medicine|Seattle",), ("Spokane", "Tacoma", "Yakima")),
    "WV": (
        (
            "WVU Medicine|Morgantown",
            "Marshall University Joan C. Edwards School of Medicine|Huntington",
        ),
        ("Charleston", "Wheeling"),
    ),
    "WI": (
        ("UW Health|Madison", "Froedtert & Medical College of Wisconsin|Milwaukee"),
        ("Green Bay", "La Crosse", "Milwaukee"),
    ),
    "WY": (("University of Wyoming Family Medicine Residency|Casper",), ("Cheyenne", "Casper")),
    "PR": (("University of Puerto Rico Medical Sciences Campus|San Juan",), ("Ponce", "Bayamón")),
}
COMMUNITY_HOSPITAL_SUFFIXES: tuple[str, ...] = (
    "Regional Medical Center", "Community Hospital", "Memorial Hospital", "General Hospital",
    "Medical Center",
)  # fmt: skip
# Research institutes for research faculty, where a state has a well-known one.
RESEARCH_INSTITUTES: dict[str, tuple[str, ...]] = {
    "MD": ("National Institutes of Health|Bethesda",),
    "WA": ("Fred Hutchinson Cancer Center|Seattle",),
    "CA": ("Scripps Research|La Jolla", "Gladstone Institutes|San Francisco"),
    "NY": (
        "Memorial Sloan Kettering Cancer Center|New York",
        "Feinstein Institutes for Medical Research|Manhasset",
    ),
    "MA": ("Broad Institute|Cambridge", "Dana-Farber Cancer Institute|Boston"),
    "TX": ("MD Anderson Cancer Center|Houston",),
    "GA": ("Centers for Disease Control and Prevention|Atlanta",),
    "TN": ("St. Jude Children's Research Hospital|Memphis",),
    "OH": ("Cincinnati Children's Research Foundation|Cincinnati",),
    "PA": ("Wistar Institute|Philadelphia",),
}

# --- Mentor roles and what they offer --------------------------------------------------------

MENTOR_POSITION_WEIGHTS: dict[str, float] = {
    "attending": 55, "resident-fellow": 20, "research-faculty": 12, "programme-director": 8,
    "other": 5,
}  # fmt: skip
# position -> support code -> probability of offering it
MENTOR_SUPPORT_SHARES: dict[str, dict[str, float]] = {
    "attending": {
        "research-guidance": 0.5, "publication-writing": 0.4, "application-review": 0.5,
        "personal-statement": 0.4, "letters-of-recommendation": 0.45, "interview-prep": 0.4,
        "specialty-choice": 0.35, "programme-selection": 0.35, "networking": 0.5,
        "usce-access": 0.3, "licensure-guidance": 0.1, "exam-preparation": 0.1,
        "alternative-careers": 0.05,
    },
    "programme-director": {
        "application-review": 0.85, "personal-statement": 0.7, "interview-prep": 0.8,
        "programme-selection": 0.75, "letters-of-recommendation": 0.5, "networking": 0.5,
        "specialty-choice": 0.4, "usce-access": 0.3, "research-guidance": 0.2,
    },
    "resident-fellow": {
        "exam-preparation": 0.6, "application-review": 0.5, "personal-statement": 0.5,
        "interview-prep": 0.6, "programme-selection": 0.45, "research-guidance": 0.35,
        "publication-writing": 0.3, "cultural-orientation": 0.3, "specialty-choice": 0.3,
        "networking": 0.3,
    },
    "research-faculty": {
        "research-guidance": 0.9, "publication-writing": 0.85, "letters-of-recommendation": 0.4,
        "networking": 0.5, "alternative-careers": 0.25, "application-review": 0.2,
    },
    "other": {
        "networking": 0.5, "alternative-careers": 0.4, "licensure-guidance": 0.3,
        "cultural-orientation": 0.3, "research-guidance": 0.3, "personal-statement": 0.3,
    },
}  # fmt: skip
# What IMG mentors add, having been through it themselves.
IMG_MENTOR_SUPPORT_SHARES: dict[str, float] = {
    "visa-guidance": 0.55, "cultural-orientation": 0.45, "licensure-guidance": 0.3,
    "usce-access": 0.2,
}  # fmt: skip

# (programme type -> weight) by position
PROGRAMME_TYPE_WEIGHTS: dict[str, dict[str, float]] = {
    "attending": {"academic": 55, "community": 45},
    "programme-director": {"academic": 55, "community": 45},
    "resident-fellow": {"academic": 65, "community": 35},
    "research-faculty": {"academic": 55, "research-institute": 45},
    "other": {"academic": 40, "community": 40, "research-institute": 20},
}  # fmt: skip
VISA_SPONSORSHIP_WEIGHTS: dict[str, dict[str, float]] = {
    "academic": {"j1": 35, "both": 35, "h1b": 8, "none": 7, "unknown": 15},
    "community": {"j1": 30, "both": 12, "h1b": 8, "none": 25, "unknown": 25},
    "research-institute": {"both": 30, "j1": 25, "h1b": 20, "none": 5, "unknown": 20},
}  # fmt: skip
# Capacity: about 5% paused at 0, most 1-4, some 5-8, a rare large one.
MENTOR_CAPACITY_WEIGHTS: dict[int, float] = {
    0: 5, 1: 15, 2: 27, 3: 20, 4: 15, 5: 7, 6: 5, 7: 2, 8: 2.5, 10: 1, 12: 0.5,
}  # fmt: skip
RESIDENT_CAPACITY_WEIGHTS: dict[int, float] = {0: 5, 1: 45, 2: 35, 3: 15}

# --- Mentee circumstances --------------------------------------------------------------------

MENTEE_GOAL_SHARES: dict[str, float] = {
    "residency-match": 0.88, "research-position": 0.35, "pre-residency-fellowship": 0.08,
    "clinical-fellowship": 0.06, "licensure": 0.06, "alternative-career": 0.03,
}  # fmt: skip
STEP1_WEIGHTS: dict[str, float] = {
    "passed": 82, "not-taken": 11, "failed-then-passed": 5, "failed": 2,
}  # fmt: skip
STEP2CK_MEAN, STEP2CK_SD = 245.0, 12.0
IMMIGRATION_WEIGHTS: dict[str, float] = {
    "outside-us": 52, "permanent-resident": 11, "us-citizen": 8, "h4": 6, "b1b2": 5,
    "j2": 3, "f1": 3, "h1b": 3, "j1": 4, "other": 5,
}  # fmt: skip
VISA_NEEDED_WEIGHTS: dict[str, float] = {"j1": 60, "h1b": 15, "undecided": 25}
USCE_TYPE_WEIGHTS: dict[str, float] = {
    "observership": 40, "externship": 15, "research-elective": 12, "hands-on-elective": 10,
    "volunteering": 12, "research-position": 11,
}  # fmt: skip
# USCE type -> (fewest, most) months
USCE_MONTHS: dict[str, tuple[int, int]] = {
    "observership": (1, 3), "externship": (1, 3), "research-elective": (1, 3),
    "hands-on-elective": (1, 2), "volunteering": (1, 12), "research-position": (6, 24),
}  # fmt: skip
RESEARCH_EXPERIENCE_WEIGHTS: dict[str, float] = {
    "none": 20, "individual": 35, "institutional-unfunded": 30, "institutional-funded": 15,
}  # fmt: skip
# research experience -> (fewest, most) publications
PUBLICATIONS: dict[str, tuple[int, int]] = {
    "none": (0, 0), "individual": (0, 3), "institutional-unfunded": (0, 8),
    "institutional-funded": (1, 20),
}  # fmt: skip
HOURS_PER_MONTH_WEIGHTS: dict[int, float] = {
    2: 6, 4: 14, 5: 10, 6: 10, 8: 16, 10: 16, 12: 9, 15: 8, 20: 11,
}  # fmt: skip
PREFERS_IMG_MENTOR_SHARE = 0.4
MENTOR_IS_IMG_SHARE = 0.4
REGIONS_ANYWHERE_SHARE = 0.25
