"""Where the practice is and who it deals with: its neighbourhood's ZIP codes, dental carriers, referral
sources. The practice sits in northwest Indiana (the dbt project hard-codes 'Merrillville Dental Center').
"""

from __future__ import annotations

PRACTICE_NAME = "Merrillville Dental Center"
PRACTICE_CITY, PRACTICE_STATE, PRACTICE_ZIP = "Merrillville", "IN", "46410"

# (ZIP, city, state) of the practice's catchment area; the first ones are where most patients live.
ZIP_CODES = (
    ("46410", "Merrillville", "IN"), ("46411", "Merrillville", "IN"), ("46307", "Crown Point", "IN"),
    ("46308", "Crown Point", "IN"), ("46342", "Hobart", "IN"), ("46368", "Portage", "IN"),
    ("46383", "Valparaiso", "IN"), ("46385", "Valparaiso", "IN"), ("46375", "Schererville", "IN"),
    ("46319", "Griffith", "IN"), ("46321", "Munster", "IN"), ("46322", "Highland", "IN"),
    ("46323", "Hammond", "IN"), ("46324", "Hammond", "IN"), ("46320", "Hammond", "IN"),
    ("46327", "Hammond", "IN"), ("46312", "East Chicago", "IN"), ("46394", "Whiting", "IN"),
    ("46402", "Gary", "IN"), ("46403", "Gary", "IN"), ("46404", "Gary", "IN"), ("46406", "Gary", "IN"),
    ("46407", "Gary", "IN"), ("46408", "Gary", "IN"), ("46409", "Gary", "IN"), ("46405", "Lake Station", "IN"),
    ("46311", "Dyer", "IN"), ("46373", "Saint John", "IN"), ("46356", "Lowell", "IN"),
    ("46303", "Cedar Lake", "IN"), ("46304", "Chesterton", "IN"), ("46360", "Michigan City", "IN"),
    ("46350", "La Porte", "IN"), ("46341", "Hebron", "IN"), ("46347", "Kouts", "IN"),
    ("46376", "Schneider", "IN"), ("46377", "Shelby", "IN"), ("46379", "Sumava Resorts", "IN"),
    ("46381", "Thayer", "IN"), ("46392", "Wheatfield", "IN"), ("46310", "Demotte", "IN"),
    ("46349", "Lake Village", "IN"), ("46301", "Beverly Shores", "IN"), ("46340", "Hanna", "IN"),
    ("46348", "La Crosse", "IN"), ("46382", "Union Mills", "IN"), ("46391", "Westville", "IN"),
    ("46390", "Wanatah", "IN"), ("46365", "Mill Creek", "IN"), ("46371", "Rolling Prairie", "IN"),
    ("46345", "Kingsbury", "IN"), ("46346", "Kingsford Heights", "IN"), ("46366", "North Judson", "IN"),
    ("46374", "San Pierre", "IN"), ("46532", "Hamlet", "IN"), ("46534", "Knox", "IN"),
    ("47978", "Rensselaer", "IN"), ("47943", "Fair Oaks", "IN"), ("47922", "Brook", "IN"),
    ("47951", "Kentland", "IN"), ("47963", "Morocco", "IN"), ("47977", "Remington", "IN"),
    ("60409", "Calumet City", "IL"), ("60411", "Chicago Heights", "IL"), ("60419", "Dolton", "IL"),
    ("60425", "Glenwood", "IL"), ("60430", "Homewood", "IL"), ("60438", "Lansing", "IL"),
    ("60443", "Matteson", "IL"), ("60461", "Olympia Fields", "IL"), ("60466", "Park Forest", "IL"),
    ("60473", "South Holland", "IL"), ("60475", "Steger", "IL"), ("60476", "Thornton", "IL"),
    ("60417", "Crete", "IL"), ("60401", "Beecher", "IL"), ("60633", "Chicago", "IL"),
    ("60617", "Chicago", "IL"), ("60827", "Riverdale", "IL"), ("60426", "Harvey", "IL"),
    ("60428", "Markham", "IL"), ("60429", "Hazel Crest", "IL"), ("60422", "Flossmoor", "IL"),
    ("60478", "Country Club Hills", "IL"), ("60471", "Richton Park", "IL"), ("60484", "University Park", "IL"),
    ("60468", "Peotone", "IL"), ("60423", "Frankfort", "IL"), ("60448", "Mokena", "IL"),
    ("60451", "New Lenox", "IL"), ("60462", "Orland Park", "IL"), ("60477", "Tinley Park", "IL"),
    ("60452", "Oak Forest", "IL"), ("60445", "Midlothian", "IL"), ("60406", "Blue Island", "IL"),
    ("60472", "Robbins", "IL"), ("60469", "Posen", "IL"), ("60803", "Alsip", "IL"),
    ("60453", "Oak Lawn", "IL"), ("60655", "Chicago", "IL"),
)

# (name, electronic payer id, mailing city, state, zip, share of insured patients in %)
CARRIERS = (
    ("Delta Dental of Indiana", "CDIN1", "Indianapolis", "IN", "46240", 22),
    ("MetLife Dental", "65978", "Lexington", "KY", "40512", 12),
    ("Cigna Dental", "62308", "Chattanooga", "TN", "37422", 9),
    ("Aetna Dental", "60054", "Lexington", "KY", "40512", 9),
    ("Guardian Dental", "64246", "Appleton", "WI", "54912", 8),
    ("United Concordia", "CDUC1", "Harrisburg", "PA", "17106", 7),
    ("Anthem Blue Cross Blue Shield Dental", "ANTHM", "Indianapolis", "IN", "46204", 7),
    ("Humana Dental", "73288", "Louisville", "KY", "40201", 5),
    ("UnitedHealthcare Dental", "52133", "Salt Lake City", "UT", "84130", 6),
    ("Principal Financial Group", "61271", "Des Moines", "IA", "50306", 4),
    ("Ameritas Life", "47009", "Lincoln", "NE", "68501", 3),
    ("Sun Life Financial", "80314", "Kansas City", "MO", "64141", 3),
    ("Lincoln Financial Group", "62705", "Omaha", "NE", "68103", 2),
    ("Blue Cross Blue Shield of Illinois", "BCBIL", "Chicago", "IL", "60601", 2),
    ("Renaissance Dental", "RDCI1", "Indianapolis", "IN", "46256", 1),
)

# Referral sources: (last name or business, first name, is a doctor, title/specialty)
REFERRAL_SOURCES = (
    ("Patel", "Anil", True, "DDS", "Oral Surgery"),
    ("Kowalski", "Martin", True, "DMD", "Endodontics"),
    ("Nguyen", "Linh", True, "DDS", "Periodontics"),
    ("Okafor", "Chidi", True, "DDS", "Orthodontics"),
    ("Brennan", "Sheila", True, "DDS", "Pediatric Dentistry"),
    ("Ramirez", "Luis", True, "MD", "Family Medicine"),
    ("Hoffmann", "Greta", True, "MD", "Internal Medicine"),
    ("Lake County Health Dept", "", False, "", "Public Health"),
    ("Google Search", "", False, "", "Internet"),
    ("Practice Website", "", False, "", "Internet"),
    ("Facebook", "", False, "", "Social Media"),
    ("Instagram", "", False, "", "Social Media"),
    ("Yelp", "", False, "", "Reviews"),
    ("Insurance Directory", "", False, "", "Insurance"),
    ("Direct Mail Postcard", "", False, "", "Advertising"),
    ("Radio Ad", "", False, "", "Advertising"),
    ("Community Health Fair", "", False, "", "Events"),
    ("Drive-By Signage", "", False, "", "Walk-in"),
    ("Employer Benefits Fair", "", False, "", "Events"),
    ("School Screening Program", "", False, "", "Events"),
)
