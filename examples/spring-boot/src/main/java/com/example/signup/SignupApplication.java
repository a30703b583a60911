package com.example.signup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Sign-ups that send a welcome mail in the background, through Spool. */
@SpringBootApplication
public class SignupApplication {
  public static void main(String[] args) {
    SpringApplication.run(SignupApplication.class, args);
  }
}
