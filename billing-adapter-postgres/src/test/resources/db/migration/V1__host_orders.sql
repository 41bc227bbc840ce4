-- A host application's own migration (default Flyway location and history table), for MigrationsIT.
CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL);
