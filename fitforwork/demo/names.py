"""Word lists the demo draws from: UK names, streets, jobs, conditions and contact needs.

Names are common across the ages of a UK working population, with Welsh and Scottish lists for sites
there and South Asian, Polish, West African and Chinese names throughout, so a list of clients looks
like a real caseload. Names are drawn independently, so no generated person is a real one.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEMALE_GIVEN_NAMES: tuple[str, ...] = _words(
    """
    Sarah Emma Laura Rebecca Claire Nicola Lisa Karen Joanne Helen Julie Michelle Amanda Louise Kelly
    Gemma Katie Jennifer Samantha Victoria Natalie Zoe Amy Danielle Stacey Leanne Kirsty Jade Megan
    Holly Chloe Charlotte Lucy Hannah Sophie Emily Jessica Olivia Amelia Grace Ellie Georgia Lauren
    Rachel Susan Linda Deborah Tracey Alison Elaine Carol Sandra Angela Dawn Catherine Elizabeth Jane
    Mary Anne Fiona Kathryn Caroline Joanna Hayley Donna Sharon Jacqueline Paula Vicky Becky Jasmine
    Molly Abigail Bethany Eleanor Harriet Imogen Aisha Fatima Priya Sana Zainab Amira Mariam Anita
    Nadia Shabana Sadia Ayesha Hina Rukhsana Simran Harpreet Manpreet Kiran Pooja Agnieszka Magdalena
    Katarzyna Monika Precious Blessing Chioma Funmilayo Abena Mei Lin Siobhan Niamh Aoife
    """
)

FEMALE_GIVEN_NAMES_WALES: tuple[str, ...] = _words("Rhiannon Sian Ffion Bethan Cerys Catrin Nia")
FEMALE_GIVEN_NAMES_SCOTLAND: tuple[str, ...] = _words("Eilidh Morag Catriona Kirsteen Isla Shona")

MALE_GIVEN_NAMES: tuple[str, ...] = _words(
    """
    David Paul Mark Andrew Richard Stephen Christopher Robert John Michael Peter Ian Gary Lee Craig
    Darren Simon Martin Kevin Steven Jason Wayne Dean Scott Graham Alan Brian Colin Keith Anthony
    Matthew Daniel James Thomas William Jonathan Nicholas Benjamin Adam Luke Ryan Liam Jamie Callum
    Connor Kieran Lewis Jack Harry Oliver Joshua Samuel Joseph George Charlie Tom Sam Ben Carl Shaun
    Philip Neil Tony Jordan Nathan Aaron Mohammed Muhammad Ahmed Ali Hassan Imran Tariq Bilal Usman Raj
    Arjun Sanjay Vikram Amit Harjit Gurpreet Tomasz Piotr Marek Krzysztof Kwame Emeka Chinedu Tunde
    Kofi Wei Jun Sean Conor Patrick
    """
)

MALE_GIVEN_NAMES_WALES: tuple[str, ...] = _words("Rhys Dylan Owen Aled Iwan Dafydd Gareth Huw")
MALE_GIVEN_NAMES_SCOTLAND: tuple[str, ...] = _words("Hamish Fraser Euan Alasdair Ruaridh Calum Angus")

FAMILY_NAMES: tuple[str, ...] = _words(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
    Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin
    Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips
    Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
    Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum
    Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen
    Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon
    Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds
    Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson
    Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart
    Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry
    Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird
    Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd
    Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
    Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler
    Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard
    Gilbert Willis Higgins Read Miles Stevenson Hammond Arnold Buckley Walters Hewitt Barber Nelson
    Slater Austin Sullivan Whitehead Mann Frost Lambert Blake Akhtar Lynch Goodwin Barton Thomson Quinn
    Baxter Bibi Nash Greenwood Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Fowler Heath
    Norman Middleton Lawson Banks French Stanley Miah Rahman Islam Chowdhury Mistry Sharma Kumar
    Chauhan Nowak Kowalski Wisniewski Mensah Okafor Adeyemi Okonkwo Asante Chen Wong Li Nguyen
    """
)

FAMILY_NAMES_WALES: tuple[str, ...] = _words(
    """
    Jones Williams Davies Evans Thomas Roberts Lewis Hughes Morgan Griffiths Price Rees Jenkins Owen
    Powell Pritchard Llewellyn Bevan Vaughan Prosser
    """
)

FAMILY_NAMES_SCOTLAND: tuple[str, ...] = _words(
    """
    MacDonald Campbell Stewart Robertson Thomson Anderson Scott Murray Reid MacLeod Paterson Ross
    Fraser Mackenzie Sinclair Henderson Kerr McGregor Cameron Duncan Ferguson Hamilton Johnston
    Gillespie McLaren Baird Munro
    """
)

STREET_WORDS: tuple[str, ...] = _words(
    """
    Oak Elm Ash Beech Willow Cedar Chestnut Hawthorn Holly Maple Rowan Birch Victoria Albert Queen King
    Princess George Church Mill Station Park Green Hill Manor Grange Meadow Orchard Springfield
    Westfield Brook Bridge Castle Chapel School Market North South West East New Clarence Windsor York
    Stanley Gladstone Nelson Wellington Moorland Heather Primrose Bluebell Foxglove Abbey Priory Canal
    Railway Cemetery Fairfield Highfield Ashfield Lime Poplar Sycamore Cherry Laburnum
    """
)

STREET_KINDS: tuple[str, ...] = _words(
    """
    Road Street Avenue Lane Close Drive Crescent Grove Way Gardens Terrace Place View Court Walk
    """
)

# Job titles for each industry an employer is in.
JOBS_BY_INDUSTRY: dict[str, tuple[str, ...]] = {
    "Logistics": (
        "Warehouse operative",
        "HGV driver",
        "Forklift driver",
        "Transport planner",
        "Picker packer",
    ),
    "Care": (
        "Care worker",
        "Senior care worker",
        "Care home nurse",
        "Domiciliary carer",
        "Activities coordinator",
    ),
    "Manufacturing": (
        "Machine operator",
        "Assembly worker",
        "Quality inspector",
        "Maintenance engineer",
        "Welder",
    ),
    "Retail": ("Sales assistant", "Store manager", "Customer assistant", "Cashier", "Stock controller"),
    "Hospitality": ("Chef", "Waiter", "Bar staff", "Housekeeper", "Kitchen porter", "Hotel receptionist"),
    "Construction": ("Labourer", "Bricklayer", "Joiner", "Electrician", "Site manager", "Scaffolder"),
    "Finance": (
        "Administrator",
        "Accountant",
        "Payroll clerk",
        "Customer service adviser",
        "Mortgage adviser",
    ),
    "Contact centre": ("Call centre adviser", "Team leader", "Complaints handler", "Quality assessor"),
    "Education": ("Teaching assistant", "Teacher", "School cook", "Caretaker", "School administrator"),
    "Technology": ("Software developer", "IT support technician", "Project manager", "Data analyst"),
    "Cleaning": ("Cleaner", "Cleaning supervisor", "Window cleaner"),
    "Transport": ("Bus driver", "Train conductor", "Delivery driver", "Depot supervisor"),
    "Food processing": ("Production operative", "Butcher", "Packer", "Line supervisor"),
    "Health": ("Healthcare assistant", "Staff nurse", "Pharmacy technician", "Dental nurse", "Porter"),
}

EMPLOYER_NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "Logistics": ("{place} Logistics", "{surname} Haulage", "{place} Distribution", "{surname} Freight"),
    "Care": ("{place} Care Homes", "{surname} House Care", "{place} Home Care", "{word} Lodge Care"),
    "Manufacturing": (
        "{place} Precision Engineering",
        "{surname} Plastics",
        "{place} Packaging",
        "{word} Components",
    ),
    "Retail": ("{surname}'s Stores", "{place} Home and Garden", "{word} Retail", "{surname} and Sons"),
    "Hospitality": ("The {word} Hotel", "{place} Inns", "{surname}'s Kitchen", "{word} Leisure"),
    "Construction": ("{surname} Builders", "{place} Construction", "{surname} and {surname2} Contractors"),
    "Finance": ("{surname} {surname2} Accountants", "{place} Building Society", "{word} Insurance Services"),
    "Contact centre": ("{word} Contact Solutions", "{place} Customer Services", "{word} Connect"),
    "Education": ("{place} Academy Trust", "{word} Learning Partnership", "{place} College"),
    "Technology": ("{word} Digital", "{word} Systems", "{place} Software"),
    "Cleaning": ("{word} Cleaning Services", "{surname} Facilities", "{place} Commercial Cleaning"),
    "Transport": ("{place} Buses", "{word} Travel", "{surname} Coaches"),
    "Food processing": ("{place} Foods", "{surname} Bakeries", "{word} Fresh Produce"),
    "Health": ("{place} Dental Care", "{surname} Pharmacy", "{word} Private Hospital"),
}

EMPLOYER_WORDS: tuple[str, ...] = _words(
    """
    Riverside Parkside Summit Horizon Beacon Pinnacle Keystone Meridian Phoenix Crown Lantern Compass
    Bluebell Oakwood Greenfield Silverline Northgate Westbrook Eastfield Highland Thistle Harbour
    Granite Willow
    """
)

SELF_EMPLOYED_JOBS: tuple[str, ...] = (
    "Plumber",
    "Electrician",
    "Taxi driver",
    "Hairdresser",
    "Joiner",
    "Painter and decorator",
    "Gardener",
    "Delivery driver",
    "Cleaner",
    "Childminder",
    "Personal trainer",
    "Photographer",
    "Bookkeeper",
    "Builder",
    "Beautician",
    "Dog groomer",
    "Mobile mechanic",
    "Tutor",
)

# Weekly hours: most full time, a good share part time.
FULL_TIME_HOURS: tuple[str, ...] = _words("37.5 37.5 40.0 39.0 35.0 36.0 42.5 45.0")
PART_TIME_HOURS: tuple[str, ...] = _words("16.0 20.0 22.5 24.0 25.0 30.0 12.0 18.0")

# Main conditions, each with a weight within its group: low back pain leads musculoskeletal referrals,
# anxiety, depression and stress lead mental health.
MUSCULOSKELETAL_CONDITIONS: tuple[tuple[str, int], ...] = (
    ("Low back pain", 30),
    ("Neck pain", 10),
    ("Shoulder pain", 10),
    ("Knee osteoarthritis", 8),
    ("Hip osteoarthritis", 4),
    ("Sciatica", 8),
    ("Carpal tunnel syndrome", 4),
    ("Tennis elbow", 4),
    ("Frozen shoulder", 3),
    ("Plantar fasciitis", 3),
    ("Rheumatoid arthritis", 3),
    ("Repetitive strain injury", 3),
    ("Ankle sprain", 2),
    ("Recovery after knee replacement", 3),
    ("Whiplash injury", 2),
    ("Hand osteoarthritis", 3),
)

MENTAL_HEALTH_CONDITIONS: tuple[tuple[str, int], ...] = (
    ("Anxiety", 25),
    ("Depression", 22),
    ("Work-related stress", 20),
    ("Mixed anxiety and depression", 15),
    ("Panic disorder", 4),
    ("Post-traumatic stress disorder", 4),
    ("Bereavement reaction", 4),
    ("Adjustment disorder", 3),
    ("Obsessive-compulsive disorder", 2),
    ("Bipolar disorder", 2),
    ("Insomnia", 3),
)

BOTH_CONDITIONS: tuple[tuple[str, int], ...] = (
    ("Low back pain with depression", 25),
    ("Chronic pain and anxiety", 25),
    ("Fibromyalgia with low mood", 15),
    ("Neck pain and work-related stress", 20),
    ("Knee osteoarthritis with anxiety", 15),
)

OTHER_CONDITIONS: tuple[tuple[str, int], ...] = (
    ("Long COVID", 15),
    ("Type 2 diabetes", 10),
    ("Asthma", 6),
    ("Chronic obstructive pulmonary disease", 5),
    ("Recovery after a heart attack", 6),
    ("Migraine", 10),
    ("Irritable bowel syndrome", 6),
    ("Menopause symptoms", 12),
    ("Recovery after cancer treatment", 8),
    ("Multiple sclerosis", 4),
    ("Epilepsy", 4),
    ("Chronic fatigue syndrome", 8),
    ("Hearing loss", 3),
)

# Languages other than English that clients of these services most often prefer.
OTHER_LANGUAGES: tuple[str, ...] = _words(
    """
    Polish Urdu Punjabi Bengali Gujarati Arabic Romanian Portuguese Somali Lithuanian Tamil Mandarin
    """
)

COMMUNICATION_NEEDS: tuple[str, ...] = (
    "Large print letters, please",
    "British Sign Language interpreter",
    "Easy read version of letters",
    "Hearing loss: prefers text messages to phone calls",
    "Dyslexia: prefers phone calls to letters",
    "Needs extra time on calls",
)

PRACTICE_NAME_PATTERNS: tuple[str, ...] = (
    "{place} Medical Centre",
    "{place} Surgery",
    "{place} Health Centre",
    "The {word} Practice",
    "{word} Medical Practice",
    "{place} Family Practice",
)

PRACTICE_WORDS: tuple[str, ...] = _words(
    """
    Willows Limes Elms Beeches Hollies Laurels Cedars Orchard Riverside Parkview Meadows Oaks Chestnuts
    Maples Poplars Brookside Hillside
    """
)

PRACTITIONER_TITLES: tuple[str, ...] = (
    "Physiotherapist",
    "Occupational health nurse",
    "Occupational therapist",
    "Mental health practitioner",
    "Occupational physician",
    "Fitness adviser",
)
