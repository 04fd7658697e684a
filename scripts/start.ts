// The demo entry point; grows as the parts land (issue: one-command demo).
console.log('postamat: open-source software for city networks of parcel lockers.');
