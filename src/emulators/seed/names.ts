/** Name and place pools for generated seeds: plain names mixed with accents, apostrophes and hyphens. */

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Steven', 'Ashley',
  'Kevin', 'Emily', 'Brian', 'Michelle', 'Jamal', 'Aaliyah', 'Wei', 'Mei', 'Arjun', 'Priya',
  'Ahmed', 'Fatima', 'Carlos', 'Lucía', 'José', 'Zoë', 'Chloé', 'François', 'Søren', 'Łukasz',
  'Jean-Luc', 'Anne-Marie', 'Renée', 'Björn', 'Siobhán', 'Nguyễn', 'Oluwaseun', 'Dmitri', 'Ayşe', 'Kai',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Hill', 'Flores', 'Green',
  "O'Brien", "D'Angelo", "O'Connor", 'Smith-Jones', 'García-López', 'Müller', 'Núñez', 'Østergaard', 'Kowalczyk', 'Trần',
  'Van der Berg', 'de la Cruz', 'Saint-Pierre', 'Björk', 'Papadopoulos', 'Okafor', 'Yılmaz', 'Ivanova', 'Schäfer', 'McAllister',
];

/** Short names people go by, keyed loosely to the pool above. */
export const PREFERRED = ['Bob', 'Liz', 'Bill', 'Jim', 'Kate', 'Mike', 'Sam', 'Alex', 'Jo', 'Chris', 'Dani', 'Tony', 'Beth', 'Rick', 'Sue'];

export const PLACES = [
  'Uptown', 'Downtown', 'Riverside', 'Lakeside', 'Northgate', 'Southpark', 'Eastside', 'Westend', 'Harbor', 'Midtown',
  'Airport', 'Old Town', 'Hillcrest', 'Maple Grove', 'Stadium', 'University', 'Market Square', 'Bayview', 'Cedar Park', 'Parkside',
];
export const VENUES = ['Cafe', 'Kitchen', 'Bakery', 'Market', 'Kiosk', 'Bistro', 'Store', 'Warehouse', 'Clinic', 'Depot'];
export const DEPARTMENTS = [
  'Front of House', 'Back of House', 'Management', 'Catering', 'Delivery', 'Cashiers', 'Baristas', 'Stock Room',
  'Customer Service', 'Maintenance', 'Security', 'Cleaning', 'Pharmacy', 'Bakery Line', 'Prep Kitchen', 'Events',
];
export const JOB_TITLES = ['Barista', 'Cook', 'Cashier', 'Shift Lead', 'Store Manager', 'Driver', 'Dishwasher', 'Host', 'Server', 'Stocker', 'Baker'];

export const CITIES: Array<{ city: string; state: string; zip: string; tz: string; country: string }> = [
  { city: 'Minneapolis', state: 'MN', zip: '55401', tz: 'America/Chicago', country: 'US' },
  { city: 'St Paul', state: 'MN', zip: '55107', tz: 'America/Chicago', country: 'US' },
  { city: 'Chicago', state: 'IL', zip: '60601', tz: 'America/Chicago', country: 'US' },
  { city: 'Seattle', state: 'WA', zip: '98101', tz: 'America/Los_Angeles', country: 'US' },
  { city: 'Denver', state: 'CO', zip: '80202', tz: 'America/Denver', country: 'US' },
  { city: 'Boston', state: 'MA', zip: '02108', tz: 'America/New_York', country: 'US' },
  { city: 'Austin', state: 'TX', zip: '78701', tz: 'America/Chicago', country: 'US' },
  { city: 'Toronto', state: 'ON', zip: 'M5H 2N2', tz: 'America/Toronto', country: 'CA' },
];
export const STREETS = ['Main St', 'Hennepin Ave', 'Lake St', 'Oak St', '2nd Ave N', 'Plato Blvd', 'Market St', 'Cedar Ave'];

/** ASCII local-part material from a name: accents stripped, apostrophes, spaces and hyphens dropped. */
const slugs = new Map<string, string>();

export function slug(name: string): string {
  let cached = slugs.get(name);
  if (cached === undefined) {
    cached = toSlug(name);
    if (slugs.size < 10_000) slugs.set(name, cached);
  }
  return cached;
}

function toSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** True when a name holds anything outside plain ASCII letters. */
export const isUnicodeName = (name: string): boolean => /[^A-Za-z]/.test(name);

let sink = 0;
/**
 * Returns `text` flattened. Strings built by concatenation are kept by V8 as trees of pieces, about twice
 * the memory of a plain string; a seed keeps hundreds of thousands of them, so it pays to flatten once.
 * Reading a character forces the flattening; `sink` keeps the read from being optimised away.
 */
export function flat(text: string): string {
  sink ^= text.length > 0 ? text.charCodeAt(0) : 0;
  return text;
}
