// The parts fictional demo organisations and people are built from. Combinations are meant to sound local and
// ordinary while matching no real organisation: no national brand names, invented place-like words for the rest.

export type ActivityKind = 'general' | 'sport' | 'faith' | 'grants' | 'community_business';

export type Activity = {
  /** The noun phrase that ends a name: "Community Larder". */
  noun: string;
  kind: ActivityKind;
  /** Charity Commission classification codes (see place/codelists.ts). */
  serviceAreas: string[];
  beneficiaryGroups: string[];
  waysOfWorking: string[];
  /** What it does, to follow the name: "runs a weekly…". */
  does: string;
  /** Who it helps, for the profile. */
  helps: string;
};

const a = (
  noun: string,
  kind: ActivityKind,
  serviceAreas: string[],
  beneficiaryGroups: string[],
  waysOfWorking: string[],
  does: string,
  helps: string,
): Activity => ({ noun, kind, serviceAreas, beneficiaryGroups, waysOfWorking, does, helps });

// biome-ignore format: one entry a line reads as a table
export const activities: Activity[] = [
  // Money, food and poverty
  a('Community Larder', 'general', ['105'], ['207'], ['306'], 'runs a weekly larder where members pay a small amount for a bag of fresh and cupboard food', 'Households on low incomes'),
  a('Community Fridge', 'general', ['105', '112'], ['207'], ['306'], 'collects surplus food from local shops and shares it freely with anyone who needs it', 'Anyone in the area, especially families short of money'),
  a('Pay As You Feel Café', 'general', ['105', '116'], ['207'], ['306', '305'], 'serves hot meals where people pay what they can, and offers a warm place to meet', 'Neighbours on low incomes and people living alone'),
  a('Baby Bank', 'general', ['105'], ['201'], ['306'], 'passes on donated clothes, cots, buggies and nappies to families referred by health visitors and schools', 'Babies, young children and their parents'),
  a('Warm Welcome Space', 'general', ['105', '116'], ['202', '207'], ['305'], 'opens a warm, free space with hot drinks, phone charging and company on winter weekdays', 'Anyone struggling to heat their home'),
  a('Money Advice Project', 'general', ['105'], ['207'], ['307'], 'gives free, confidential help with debt, benefits and budgeting', 'People in debt or struggling with the cost of living'),
  a('School Uniform Exchange', 'general', ['105'], ['201'], ['306'], 'collects outgrown school uniform and passes it on free to families', 'Families with school-age children'),
  a('Community Kitchen', 'general', ['105', '102'], ['207'], ['306'], 'cooks and shares a hot meal twice a week and teaches cooking on a budget', 'Families and adults on low incomes'),
  // Children and young people
  a('Youth Boxing Club', 'sport', ['110', '116'], ['201'], ['306'], 'trains young people in boxing and fitness, with mentoring and homework help alongside', 'Young people aged 10 to 19'),
  a('Youth Football Club', 'sport', ['110'], ['201'], ['306'], 'runs coached football for boys and girls every weekend, with low subscriptions', 'Children and young people aged 6 to 16'),
  a('Youth Theatre', 'general', ['109'], ['201'], ['306'], 'runs weekly drama workshops and two productions a year', 'Young people aged 8 to 18'),
  a('Homework Club', 'general', ['102'], ['201'], ['304', '306'], 'gives children a quiet place, a laptop and a volunteer tutor after school', 'Primary and secondary school pupils'),
  a('Holiday Play Scheme', 'general', ['116', '102'], ['201'], ['306'], 'runs free play, sport and a healthy lunch during the school holidays', 'Children aged 5 to 12'),
  a('Young Carers Project', 'general', ['103'], ['201'], ['306', '307'], 'gives young carers breaks, trips and someone to talk to', 'Children and young people who look after a family member'),
  a('Mentoring Project', 'general', ['102'], ['201'], ['304'], 'matches young people with trained volunteer mentors for a year', 'Young people aged 11 to 18 at risk of leaving school early'),
  a('Detached Youth Work Project', 'general', ['102'], ['201'], ['304', '306'], 'sends youth workers onto the streets and estates in the evenings to meet young people where they are', 'Young people aged 13 to 21'),
  a('Steel Band', 'general', ['109'], ['201', '204'], ['306'], 'teaches steel pan to children and adults and plays at local events', 'Children, young people and families'),
  a('Coding Club', 'general', ['102'], ['201'], ['306'], 'teaches coding, robotics and digital making on Saturday mornings', 'Children aged 8 to 14'),
  a('Parent and Toddler Group', 'general', ['116'], ['201'], ['306'], 'runs a friendly morning of play, songs and support for parents and carers', 'Parents and carers of children under 5'),
  a('Dads Group', 'general', ['116'], ['206'], ['306'], 'brings fathers and their children together for Saturday activities', 'Fathers and male carers'),
  // Older people
  a('Lunch Club', 'general', ['116'], ['202'], ['306'], 'serves a two-course lunch and a chat for older neighbours every week', 'Older people living alone'),
  a('Befriending Service', 'general', ['116'], ['202'], ['304'], 'matches isolated older residents with volunteers who visit or phone every week', 'Older people who are lonely or isolated'),
  a('Memory Café', 'general', ['103'], ['202', '203'], ['306'], 'runs a monthly café for people living with dementia and the people who care for them', 'People living with dementia and their carers'),
  a('Good Neighbours Scheme', 'general', ['116'], ['202', '203'], ['304'], 'finds volunteers to help with shopping, lifts to appointments and small jobs', 'Older and disabled residents'),
  a('Chair Yoga Group', 'general', ['103'], ['202'], ['306'], 'runs gentle seated exercise classes in community halls', 'Older people and people with limited mobility'),
  a('Walking Group', 'general', ['103', '116'], ['202', '207'], ['306'], 'leads short, sociable walks through local parks twice a week', 'Anyone wanting to get out and get moving'),
  // Health and disability
  a('Carers Support Group', 'general', ['103'], ['206'], ['307'], 'brings unpaid carers together for support, information and a break', 'Unpaid carers of all ages'),
  a('Autism Parents Network', 'general', ['104'], ['203', '201'], ['307'], 'supports parents of autistic children with peer groups, workshops and advice', 'Families of autistic children'),
  a('Peer Support Group', 'general', ['103'], ['206'], ['306'], 'runs peer-led groups for people living with anxiety, depression or low mood', 'Adults with mental health problems'),
  a('Stroke Club', 'general', ['103'], ['203'], ['306'], 'helps stroke survivors rebuild confidence through exercise, speech practice and friendship', 'Stroke survivors and their families'),
  a('Wheelchair Basketball Club', 'sport', ['110', '104'], ['203'], ['306'], 'runs wheelchair basketball training and matches for all abilities', 'Disabled people and their friends'),
  a('Deaf Social Club', 'general', ['104'], ['203'], ['306'], 'runs social evenings and British Sign Language taster classes', 'Deaf and hard of hearing people'),
  a('Sight Loss Group', 'general', ['104'], ['203', '202'], ['307'], 'offers peer support and practical tips for living with sight loss', 'Blind and partially sighted people'),
  a('Recovery Café', 'general', ['103'], ['206'], ['305', '306'], 'runs an alcohol-free café and mutual aid groups for people in recovery', 'People recovering from drug or alcohol problems'),
  a('Cancer Support Circle', 'general', ['103'], ['206'], ['307'], 'offers a listening ear, complementary therapies and practical help', 'People affected by cancer'),
  a('Learning Disability Arts Group', 'general', ['109', '104'], ['203'], ['306'], 'runs art, music and dance sessions led with adults with learning disabilities', 'Adults with learning disabilities'),
  // Environment and animals
  a('Community Garden', 'general', ['112'], ['207'], ['305'], 'grows food and flowers with volunteers on a once-derelict plot', 'Residents of all ages'),
  a('Tree Wardens', 'general', ['112'], ['207'], ['304'], 'plants and cares for street trees and runs tree walks', 'The whole neighbourhood'),
  a('Repair Café', 'general', ['112'], ['207'], ['306'], 'fixes broken household items for free with volunteer repairers', 'Anyone with something broken'),
  a('Growing Project', 'general', ['112', '103'], ['203', '207'], ['306'], 'uses gardening to improve wellbeing, with referrals from GPs', 'Adults referred for social prescribing'),
  a('Litter Pickers', 'general', ['112'], ['207'], ['304'], 'organises monthly litter picks and reports fly-tipping', 'The whole neighbourhood'),
  a('Wildlife Group', 'general', ['112', '111'], ['207'], ['306'], 'surveys and protects hedgehogs, bats and birds in local green spaces', 'Local wildlife and nature lovers'),
  a('Cat Rescue', 'general', ['111'], ['207'], ['306'], 'rescues, neuters and rehomes stray and abandoned cats', 'Cats and their new owners'),
  // Arts and heritage
  a('Community Choir', 'general', ['109'], ['207'], ['306'], 'sings together every week, with no auditions and no need to read music', 'Adults who love to sing'),
  a('Arts Collective', 'general', ['109'], ['207'], ['306'], 'runs open studios, workshops and an annual exhibition', 'Local artists and residents'),
  a('Local History Group', 'general', ['109'], ['207'], ['308'], 'researches and shares the history of the area through talks and walks', 'Residents interested in local history'),
  a('Film Club', 'general', ['109', '116'], ['207'], ['306'], 'screens films monthly in a community hall with discussion afterwards', 'Residents of all ages'),
  a('Carnival Arts Group', 'general', ['109'], ['204', '201'], ['306'], 'makes costumes and music for carnival with young people and families', 'Young people and families'),
  // Sport
  a('Cricket Club', 'sport', ['110'], ['207'], ['305', '306'], 'plays league cricket and runs junior coaching', 'Players of all ages'),
  a('Bowls Club', 'sport', ['110'], ['202'], ['305'], 'keeps a bowling green open and welcomes beginners', 'Older residents'),
  a('Table Tennis Club', 'sport', ['110'], ['207'], ['306'], 'runs table tennis sessions for all ages and abilities', 'Players of all ages'),
  a('Running Club', 'sport', ['110'], ['207'], ['306'], 'runs beginner courses and weekly group runs', 'Adults new to running'),
  a('Netball Club', 'sport', ['110'], ['206'], ['306'], 'runs netball for women and girls, including walking netball', 'Women and girls'),
  a('Cycling Club', 'sport', ['110', '112'], ['207'], ['306'], 'teaches adults to ride and leads social rides', 'Adults of all abilities'),
  a('Swimming Club', 'sport', ['110'], ['201'], ['306'], 'teaches children to swim and trains competitive swimmers', 'Children and young people'),
  // Advice, rights, work and housing
  a('Refugee Welcome', 'general', ['115'], ['204', '206'], ['307', '304'], 'welcomes people seeking sanctuary with English practice, advice and friendship', 'Refugees and people seeking asylum'),
  a('Migrant Advice Centre', 'general', ['115'], ['204'], ['307'], 'gives free immigration and welfare advice from accredited advisers', 'Migrants and their families'),
  a("Women's Network", 'general', ['115'], ['206'], ['307', '306'], 'runs a drop-in, confidence courses and support for women', 'Women, including survivors of domestic abuse'),
  a('LGBTQ+ Youth Group', 'general', ['115'], ['201'], ['306'], 'runs a safe weekly group for young people exploring their identity', 'LGBTQ+ young people aged 13 to 19'),
  a('English Conversation Club', 'general', ['102'], ['204'], ['306'], 'runs friendly English conversation practice led by volunteers', 'Adults learning English'),
  a('Employment Support Hub', 'general', ['113'], ['207'], ['307'], 'helps people out of work with CVs, interview practice and job clubs', 'People looking for work'),
  a('Digital Inclusion Project', 'general', ['113', '102'], ['202', '207'], ['306'], 'lends tablets and teaches people to get online safely', 'People who are not yet online'),
  a('Housing Advice Project', 'general', ['107'], ['207'], ['307'], 'helps private renters with repairs, deposits and threatened evictions', 'Private renters and people at risk of homelessness'),
  a('Tenancy Support Project', 'general', ['107'], ['206'], ['306'], 'helps people who have been homeless settle into and keep a new home', 'People moving on from homelessness'),
  a('Veterans Drop-in', 'general', ['114'], ['206'], ['307'], 'runs a weekly drop-in with advice, breakfast and company for veterans', 'Armed forces veterans and their families'),
  a('Neighbourhood Network', 'general', ['113', '101'], ['205'], ['309'], 'brings local groups together to share news, space and volunteers', 'Community groups in the area'),
  // Faith-based social action
  a('Faith and Community Hub', 'faith', ['108', '105'], ['207'], ['305', '306'], 'opens its hall for a food bank, a toddler group and advice sessions', 'Neighbours of every faith and none'),
  a('Interfaith Kitchen', 'faith', ['108', '105'], ['207'], ['306'], 'brings volunteers from several faiths together to cook for people in need', 'People in need of a hot meal'),
  // Community businesses (community benefit societies)
  a('Community Energy', 'community_business', ['112', '113'], ['207'], ['303'], 'puts solar panels on community buildings and spends the surplus on fuel poverty work', 'Community buildings and households in fuel poverty'),
  a('Community Shop', 'community_business', ['113'], ['207'], ['306'], 'runs a shop owned by its members, with volunteers behind the counter', 'Residents and members'),
  a('Community Bakery', 'community_business', ['113'], ['207'], ['306'], 'bakes bread and trains people facing barriers to work', 'People facing barriers to work'),
  a('Community Land Trust', 'community_business', ['107'], ['207'], ['305'], 'holds land in trust for genuinely affordable homes', 'Local people priced out of housing'),
  // Grant-makers
  a('Relief in Need Fund', 'grants', ['105'], ['207'], ['301'], 'makes small grants for essentials to residents in hardship', 'Residents in financial hardship'),
  a('Community Chest', 'grants', ['101'], ['205'], ['302'], 'makes small grants to local groups starting something new', 'Small community groups'),
];

/** Invented place-like words for names that are not tied to a neighbourhood. */
// biome-ignore format: one entry a line reads as a table
export const brandWords = [
  'Larkspur', 'Hollybank', 'Kestrel', 'Juniper', 'Marigold', 'Bramblewood', 'Ashgrove', 'Kindlewood', 'Oakridge',
  'Willowmere', 'Rowanbrook', 'Hazelmere', 'Thistledown', 'Foxglove', 'Brightwell', 'Meadowsweet', 'Cobnut',
  'Lanternfield', 'Wrenfield', 'Ambergate', 'Harebell', 'Greenacre', 'Linden Lea', 'Sorrel', 'Elderwood', 'Tansy',
  'Burdock', 'Cowslip', 'Sweetbriar', 'Hornbeam', 'Quillfield', 'Nettlebed', 'Bluebell Row', 'Clover Lane',
];

/** Communities of origin, for groups led by and for them. */
// biome-ignore format: one entry a line reads as a table
export const communities = [
  'Tamil', 'Somali', 'Ghanaian', 'Polish', 'Caribbean', 'Nigerian', 'Sri Lankan', 'Afghan', 'Ukrainian', 'Kurdish',
  'Portuguese', 'Filipino', 'Bangladeshi', 'Pakistani', 'Eritrean', 'Congolese', 'Sierra Leonean', 'Turkish',
  'Vietnamese', 'Latin American', 'Irish', 'Chinese', 'Gujarati', 'Punjabi',
];

// biome-ignore format: one entry a line reads as a table
export const communityGroupNouns: {
  noun: string;
  serviceAreas: string[];
  beneficiaryGroups: string[];
  does: string;
}[] = [
  { noun: 'Elders Circle', serviceAreas: ['116'], beneficiaryGroups: ['202', '204'], does: 'brings older people of the community together for lunch, exercise and celebrations' },
  { noun: 'Parents Network', serviceAreas: ['102'], beneficiaryGroups: ['201', '204'], does: 'supports parents to navigate schools, health and council services' },
  { noun: 'Supplementary School', serviceAreas: ['102'], beneficiaryGroups: ['201', '204'], does: 'teaches language, culture, maths and English on Saturdays' },
  { noun: 'Welfare Association', serviceAreas: ['105', '115'], beneficiaryGroups: ['204'], does: 'helps families with advice, form filling and emergency support' },
  { noun: "Women's Group", serviceAreas: ['115', '103'], beneficiaryGroups: ['204', '206'], does: 'runs health, wellbeing and English sessions for women' },
  { noun: 'Youth Forum', serviceAreas: ['102', '116'], beneficiaryGroups: ['201', '204'], does: 'gives young people a voice, trips and leadership training' },
];

/** Names for bigger, borough-wide organisations: "{Borough} Family Support Trust". */
// biome-ignore format: one entry a line reads as a table
export const largeNouns: {
  noun: string;
  serviceAreas: string[];
  beneficiaryGroups: string[];
  waysOfWorking: string[];
  does: string;
  helps: string;
}[] = [
  { noun: 'Family Support Trust', serviceAreas: ['105', '102'], beneficiaryGroups: ['201'], waysOfWorking: ['306', '307'], does: 'provides family support workers, parenting courses and early help across the borough', helps: 'Families with children who need extra help' },
  { noun: 'Carers Partnership', serviceAreas: ['103'], beneficiaryGroups: ['206', '202'], waysOfWorking: ['306', '307'], does: 'supports unpaid carers with assessments, breaks, advice and peer groups', helps: 'Unpaid carers of all ages' },
  { noun: 'Disability Action Network', serviceAreas: ['104'], beneficiaryGroups: ['203'], waysOfWorking: ['307', '306'], does: 'gives disabled people advice, advocacy and support to live independently', helps: 'Disabled people and their families' },
  { noun: 'Mental Wellbeing Alliance', serviceAreas: ['103'], beneficiaryGroups: ['206'], waysOfWorking: ['306'], does: 'runs crisis cafés, talking therapies and recovery courses', helps: 'Adults with mental health problems' },
  { noun: 'Youth Futures Trust', serviceAreas: ['102', '113'], beneficiaryGroups: ['201'], waysOfWorking: ['306', '304'], does: 'runs youth centres, mentoring and training into work', helps: 'Young people aged 11 to 25' },
  { noun: 'Housing Advice Centre', serviceAreas: ['107'], beneficiaryGroups: ['207'], waysOfWorking: ['307'], does: 'prevents homelessness through advice, casework and representation at court', helps: 'People at risk of losing their home' },
  { noun: 'Community Transport Trust', serviceAreas: ['116', '104'], beneficiaryGroups: ['202', '203'], waysOfWorking: ['306'], does: 'runs door-to-door minibuses and a volunteer car scheme', helps: 'Older and disabled people who cannot use public transport' },
  { noun: 'Independent Living Services', serviceAreas: ['104', '107'], beneficiaryGroups: ['203'], waysOfWorking: ['306'], does: 'provides supported living and personal assistance', helps: 'Adults with learning disabilities' },
  { noun: 'Employment and Skills Trust', serviceAreas: ['113', '102'], beneficiaryGroups: ['207'], waysOfWorking: ['306'], does: 'delivers training, apprenticeships and employment support', helps: 'People out of work or on low pay' },
  { noun: 'Domestic Abuse Partnership', serviceAreas: ['115', '107'], beneficiaryGroups: ['206'], waysOfWorking: ['306', '307'], does: 'provides refuge, independent advocates and recovery programmes', helps: 'Survivors of domestic abuse and their children' },
  { noun: 'Refugee and Migrant Centre', serviceAreas: ['115'], beneficiaryGroups: ['204'], waysOfWorking: ['307'], does: 'gives advice, English classes and a day centre for people seeking sanctuary', helps: 'Refugees, asylum seekers and migrants' },
  { noun: 'Advice Partnership', serviceAreas: ['105'], beneficiaryGroups: ['207'], waysOfWorking: ['307'], does: 'gives free advice on benefits, debt, housing and employment', helps: 'Anyone who needs advice' },
  { noun: 'Recovery Network', serviceAreas: ['103'], beneficiaryGroups: ['206'], waysOfWorking: ['306'], does: 'runs drug and alcohol recovery services with peer mentors', helps: 'People affected by drugs or alcohol' },
  { noun: 'Arts Partnership', serviceAreas: ['109'], beneficiaryGroups: ['207'], waysOfWorking: ['305', '306'], does: 'runs an arts centre, festivals and community arts projects', helps: 'Residents of all ages' },
  { noun: 'Sports Foundation', serviceAreas: ['110', '103'], beneficiaryGroups: ['201'], waysOfWorking: ['306'], does: 'runs sport and health programmes in schools and parks', helps: 'Children and young people' },
  { noun: 'Hospice at Home Service', serviceAreas: ['103'], beneficiaryGroups: ['206'], waysOfWorking: ['306'], does: 'provides end-of-life care at home and bereavement support', helps: 'People at the end of life and their families' },
  { noun: 'Early Years Trust', serviceAreas: ['102'], beneficiaryGroups: ['201'], waysOfWorking: ['306'], does: 'runs nurseries and family centres in areas of need', helps: 'Children under 5 and their parents' },
  { noun: 'Community Foundation', serviceAreas: ['101'], beneficiaryGroups: ['205'], waysOfWorking: ['302'], does: 'raises money locally and makes grants to community groups', helps: 'Local charities and community groups' },
];

// biome-ignore format: one entry a line reads as a table
export const streetNames = [
  'Larkspur Road', 'Hollybank Avenue', 'Kestrel Close', 'Juniper Way', 'Marigold Street', 'Bramble Lane',
  'Ashgrove Road', 'Kindlewood Drive', 'Oakridge Gardens', 'Willowmere Road', 'Rowan Mews', 'Hazelmere Parade',
  'Thistle Walk', 'Foxglove Crescent', 'Brightwell Street', 'Meadowsweet Grove', 'Lantern Yard', 'Wren Terrace',
  'Amber Court', 'Harebell Road', 'Sorrel Place', 'Tansy Row', 'Cowslip Lane', 'Hornbeam Parade',
];

// biome-ignore format: one entry a line reads as a table
export const firstNames = [
  'Aisha', 'Abdi', 'Ade', 'Agnieszka', 'Ahmed', 'Amara', 'Amir', 'Ana', 'Anil', 'Beatriz', 'Bola', 'Bridget',
  'Carlos', 'Chloe', 'Chidi', 'Daniel', 'Deborah', 'Dev', 'Efua', 'Elena', 'Emeka', 'Fatima', 'Femi', 'Gareth',
  'Grace', 'Hannah', 'Hassan', 'Ifeoma', 'Imran', 'Isla', 'Jamal', 'Janet', 'Jasmine', 'Joseph', 'Kamala', 'Kwame',
  'Leah', 'Liam', 'Lina', 'Marcus', 'Maria', 'Maryam', 'Mei', 'Michael', 'Nadia', 'Nikhil', 'Niamh', 'Olena',
  'Oliver', 'Omar', 'Patience', 'Paul', 'Priya', 'Rachel', 'Rashid', 'Rosa', 'Ruth', 'Samuel', 'Sandra', 'Sanjay',
  'Sara', 'Sean', 'Shanice', 'Sofia', 'Stephen', 'Tariq', 'Thanh', 'Tom', 'Tunde', 'Usha', 'Valentina', 'Wei',
  'Yasmin', 'Yusuf', 'Zainab', 'Zoe',
];

// biome-ignore format: one entry a line reads as a table
export const surnames = [
  'Adeyemi', 'Ahmed', 'Ali', 'Anderson', 'Asante', 'Baker', 'Begum', 'Boateng', 'Brown', 'Campbell', 'Chen',
  'Clarke', 'Costa', 'Da Silva', 'Davies', 'Dlamini', 'Edwards', 'Evans', 'Farah', 'Fernandes', 'Gordon', 'Green',
  'Gupta', 'Hall', 'Hassan', 'Hughes', 'Hussain', 'Ibrahim', 'Jackson', 'James', 'Johnson', 'Joseph', 'Kaur', 'Khan',
  'Kowalski', 'Kumar', 'Lewis', 'Martin', 'Mensah', 'Mohamed', 'Morgan', 'Murphy', 'Nguyen', 'Nowak', 'Nwosu', 'Obi',
  'Okafor', "O'Brien", 'Osei', 'Owusu', 'Patel', 'Phillips', 'Quinn', 'Rahman', 'Reid', 'Roberts', 'Santos', 'Shah',
  'Singh', 'Smith', 'Taylor', 'Thomas', 'Thompson', 'Turner', 'Walker', 'Walsh', 'Watson', 'White', 'Williams',
  'Wilson', 'Wright', 'Yilmaz', 'Young',
];

export const membershipMessages = [
  'I volunteer on Tuesdays and help with the newsletter.',
  'I am the new treasurer, elected at our last AGM.',
  'I coordinate our volunteers and would like to keep our profile up to date.',
  'I am a trustee.',
  'I run the Saturday sessions.',
  'I help with funding bids.',
  '',
];
